"""Post fixtures written for these tests (never corpus text): legacy encodings, hostile titles."""

from __future__ import annotations

# Text in each legacy CJK encoding, long enough for a detector to be sure.
LEGACY_TEXTS: dict[str, str] = {
    "gb18030": (
        "---\ntitle: 旧的博客文章\ndate: 2015-03-02\n---\n这是一篇用国标编码保存的旧文章。"
        "我们在这里写了一些关于编程和生活的内容，希望读者能够喜欢。文件的编码不是统一码，所以需要检测。\n"
    ),
    "big5": (
        "---\ntitle: 舊的部落格文章\n---\n這是一篇用大五碼保存的舊文章。"
        "我們在這裡寫了一些關於程式設計和生活的內容，希望讀者能夠喜歡。檔案的編碼不是統一碼。\n"
    ),
    "shift_jis": (
        "---\ntitle: 古いブログ記事\n---\nこれはシフトJISで保存された古い記事です。"
        "プログラミングと日常生活について書いています。読者の皆さんに楽しんでいただければ幸いです。\n"
    ),
    "euc-kr": (
        "---\ntitle: 오래된 블로그 글\n---\n이 글은 EUC-KR 인코딩으로 저장된 오래된 글입니다. "
        "프로그래밍과 일상 생활에 대해 썼습니다. 독자 여러분이 즐겨 주시기 바랍니다.\n"
    ),
}

ESC = "\x1b"
OSC52 = ESC + "]52;c;ZWNobyBwd25lZA==\x07"  # "copy this to the clipboard"
# Titles that must come out harmless: Rich/Textual markup, newlines, raw escapes, C1, bidi.
HOSTILE_TITLES: dict[str, tuple[str, str]] = {
    # name: (title as written in YAML double quotes, expected sanitized title)
    "rich-markup": (r"[/] closes [bold]nothing[/bold]", "[/] closes [bold]nothing[/bold]"),
    "textual-action": (r"[@click=app.quit]Quit[/]", "[@click=app.quit]Quit[/]"),
    "newlines": (r"line one\nline two\r\n\n  three", "line one line two three"),
    "raw-esc-csi": (r"red \e[31mtext\e[0m end", "red text end"),
    "osc52": (r"copy \e]52;c;ZWNobyBwd25lZA==\a me", "copy me"),
    "osc52-unterminated": (r"cut \e]52;c;ZWNobyBwd25lZA==", "cut"),
    "c1": (r"c1 \x9b31m csi \x9d0;title\x9c and \x85 nel", "c1 csi and nel"),
    "bidi": (r"evil \u202egnp.exe\u202c file", "evil gnp.exe file"),
    # Entities stay text in a title (nothing decodes them there), so nothing to strip.
    "entity": (
        r"&#x1b;]52;c;ZWNobyBwd25lZA==&#x07; stays text",
        "&#x1b;]52;c;ZWNobyBwd25lZA==&#x07; stays text",
    ),
}

REMOVED = [chr(c) for c in [*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0)]] + [
    chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]
]
"""Characters no sanitized one-line field may hold (tab and newline fold to spaces there)."""


def hostile_post(yaml_title: str) -> bytes:
    """A Hexo post whose title (YAML double-quoted, so escapes like \\e apply) is hostile,
    with the same hostility in other fields and raw ESC/C1 bytes in the body."""
    return (
        f'---\ntitle: "{yaml_title}"\nauthor: "{yaml_title}"\n'
        f'categories:\n  - "{yaml_title}"\ntags: ["{yaml_title}"]\n'
        f"link: https://example.org/x\n---\n"
        f"body with {ESC}[2J raw escapes {OSC52} and \u009b C1\n"
    ).encode()
