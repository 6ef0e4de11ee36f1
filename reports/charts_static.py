"""The report's plotly figures as PNG pictures for Word, through kaleido and a local Chrome.

Word cannot run plotly.js, so each :class:`~.figures.Chart` of a report is drawn once more as a
static picture: the same plotly figure exported by kaleido (≥ 1), which renders it in a headless
Chrome or Chromium already installed on the machine (Debian ``chromium``, Google Chrome, …;
kaleido finds it by itself, ``BROWSER_PATH`` names another). Nothing is fetched: kaleido uses the
plotly.js of the installed plotly package, and MathJax (which kaleido would load from a CDN) is
switched off. One browser serves a whole batch
(:class:`PictureMaker` is a context manager).

The pictures' Chinese text needs a CJK font on the machine (Noto Sans CJK, WenQuanYi, Microsoft
YaHei, SimHei…): :func:`cjk_font_installed` looks, and a missing one is a warning, as is a
missing Chrome (the Word report then says where each figure is, without the picture).
"""

from __future__ import annotations

import shutil
import subprocess
import warnings
from pathlib import Path
from types import TracebackType

from .figures import Chart

#: Width of an exported picture [px] before ``SCALE``; Word shows it at 90 % of the text width
#: (14 cm), so 1,200 px are about 220 dpi.
WIDTH = 800
SCALE = 1.5
#: Folders where fonts live when ``fc-list`` is not there (Linux, macOS, Windows).
FONT_FOLDERS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.fonts", "~/.local/share/fonts",
                "/Library/Fonts", "/System/Library/Fonts", "C:/Windows/Fonts")
CJK_FONT_NAMES = ("notosanscjk", "notoserifcjk", "sourcehan", "wqy", "wenquanyi", "msyh",
                  "simhei", "simsun", "pingfang", "heiti", "droidsansfallback")


class PictureWarning(UserWarning):
    """The Word report's pictures cannot be drawn as they should (no Chrome, no CJK font)."""


def cjk_font_installed() -> bool:
    """Whether a font with Chinese glyphs is installed (``fc-list :lang=zh``, else a look
    through the usual font folders for known CJK font files)."""
    if shutil.which("fc-list"):
        listed = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True,
                                text=True, timeout=30, check=False)
        return bool(listed.stdout.strip())
    for folder in FONT_FOLDERS:
        root = Path(folder).expanduser()
        if root.is_dir() and any(
                any(name in path.name.lower().replace(" ", "").replace("-", "")
                    for name in CJK_FONT_NAMES) for path in root.rglob("*.tt[cf]")):
            return True
    return False


class PictureMaker:
    """Draws charts as PNG with one kaleido browser for as long as the context is open.

    When kaleido or a Chrome is missing, :meth:`png` returns None and one
    :class:`PictureWarning` says why and what to install.
    """

    def __init__(self) -> None:
        self.available = False
        self.reason = ""

    def __enter__(self) -> PictureMaker:
        try:
            import kaleido
            from choreographer.browsers.chromium import Chromium
        except ImportError:
            self._unavailable("kaleido is not installed (pip install kaleido)")
            return self
        browser = Chromium.find_browser(skip_local=False)
        if not browser or not Path(browser).is_file():
            self._unavailable(f"no Chrome, Chromium or Edge found ({browser or 'none on PATH'}); "
                              "install one (Debian: apt-get install chromium) or name it in "
                              "BROWSER_PATH")
            return self
        try:
            kaleido.start_sync_server(silence_warnings=True, mathjax=False)
        except Exception as exc:        # kaleido names no common error for a browser that fails
            self._unavailable(f"kaleido cannot start a headless Chrome/Chromium ({exc}); "
                              "install Chrome or Chromium (Debian: apt-get install chromium) "
                              "or name one in BROWSER_PATH")
            return self
        self.available = True
        if not cjk_font_installed():
            warnings.warn("图中汉字需要中文字体（Noto Sans CJK、文泉驿等），本机未安装 / no CJK "
                          "font installed (Noto Sans CJK, WenQuanYi, Microsoft YaHei): the "
                          "Chinese text of the Word report's charts will show as boxes "
                          "(Debian: apt-get install fonts-noto-cjk)", PictureWarning,
                          stacklevel=2)
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self.available:
            import kaleido

            kaleido.stop_sync_server(silence_warnings=True)
            self.available = False

    def _unavailable(self, reason: str) -> None:
        self.reason = reason
        warnings.warn(f"Word 报告中的图无法生成，仅保留图题 / the Word report's charts are left "
                      f"out (captions only): {reason}", PictureWarning, stacklevel=3)

    def png(self, chart: Chart) -> bytes | None:
        """The PNG picture of ``chart`` (``WIDTH`` × its height, at ``SCALE``), or None."""
        if not self.available:
            return None
        import kaleido

        try:
            return kaleido.calc_fig_sync(chart.figure.to_plotly_json(), opts={
                "format": "png", "width": WIDTH, "height": chart.height, "scale": SCALE})
        except Exception as exc:        # a browser that died: the rest of the batch goes on
            self.__exit__(None, None, None)
            self._unavailable(f"kaleido failed on figure {chart.div_id} ({exc})")
            return None
