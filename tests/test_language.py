"""One language module: subtitle choice and font faces read the locale the same way."""

from __future__ import annotations

import pytest

from clipkit.language import cjk_tag, normalize_language, preferred_language, text_language


@pytest.mark.parametrize("env, track_lang, font_lang", [
    ({"LANGUAGE": "zh_TW:en", "LC_ALL": "ja_JP.UTF-8"}, "zho", "zh-tw"),  # LANGUAGE first, for both
    ({"LC_ALL": "ko_KR.UTF-8", "LC_MESSAGES": "ja_JP.UTF-8", "LANG": "en_US.UTF-8"}, "kor", "ko"),
    ({"LC_MESSAGES": "zh_HK.UTF-8", "LANG": "ja_JP.UTF-8"}, "zho", "zh-hk"),
    ({"LANG": "en_GB.UTF-8"}, "eng", "ja"),  # not a CJK locale: Han alone falls back to Japanese
])
def test_the_locale_means_the_same_to_subtitles_and_fonts(monkeypatch, env, track_lang, font_lang):
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LC_CTYPE", "LANG"):
        monkeypatch.delenv(var, raising=False)
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    assert preferred_language() == track_lang
    assert text_language("中文") == font_lang
    assert text_language("カタカナ") == "ja" and text_language("한국") == "ko"  # the script beats the locale
    assert text_language("中文", "chi") == "zh-cn"  # a track's tag beats the locale


def test_codes():
    assert [normalize_language(c) for c in ("en", "en-US", "jpn", "ja_JP", "fre", None)] == ["eng", "eng", "jpn", "jpn", "fra", None]
    assert [cjk_tag(c) for c in ("jpn", "ko-KR", "zh_TW", "zh-Hant", "zh-HK", "chi", "zh-Hans", "eng")] == [
        "ja", "ko", "zh-tw", "zh-tw", "zh-hk", "zh-cn", "zh-cn", None]
