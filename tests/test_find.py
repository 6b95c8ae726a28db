"""Dialogue search (`clipkit find`) and `--line` ranges, on generated episodes with known lines.

Each episode is a few seconds of flat-colour shots with hard cuts at known
times and two subtitle tracks (English, Japanese) muxed in; some have a
sidecar .srt.  The lines, their times and the cut times are the truth.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from fractions import Fraction
from pathlib import Path

import pytest
from click.testing import CliRunner

from clipkit.cli import main as cli
from clipkit.dialogue.fold import fold
from clipkit.dialogue.index import index_path
from clipkit.errors import InputError, UsageError
from clipkit.pipeline.find import dialogue_range, find
from clipkit.timecode import format_time

from media import ffmpeg

#: One lavfi picture per shot: each unlike the others (flat colours would be blank "cards", not shots).
SHOTS = ["testsrc2=s=96x54:r=24", "smptebars=s=96x54:r=24", "mandelbrot=s=96x54:r=24", "rgbtestsrc=s=96x54:r=24"]


def _srt_time(t: float) -> str:
    ms = round(t * 1000)
    return f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}"


def write_srt(path: Path, cues: list[tuple[float, float, str]]) -> Path:
    blocks = [f"{n}\n{_srt_time(a)} --> {_srt_time(b)}\n{text}\n" for n, (a, b, text) in enumerate(cues, 1)]
    path.write_text("\n".join(blocks), encoding="utf-8")
    return path


def make_episode(path: Path, cuts: list[float], duration: float, eng: list, jpn: list) -> Path:
    """Shots of different test pictures, cut at ``cuts``; English and Japanese text tracks muxed in."""
    edges = [0.0, *cuts, duration]
    inputs, chain = [], ""
    for k in range(len(edges) - 1):
        inputs += ["-f", "lavfi", "-i", SHOTS[k % len(SHOTS)]]
        chain += f"[{k}:v]trim=duration={edges[k + 1] - edges[k]},setpts=PTS-STARTPTS,format=yuv420p,setsar=1[s{k}];"
    chain += "".join(f"[s{k}]" for k in range(len(edges) - 1))
    n = len(edges) - 1
    en = write_srt(path.with_suffix(".en.tmp.srt"), eng)
    ja = write_srt(path.with_suffix(".ja.tmp.srt"), jpn)
    ffmpeg(*inputs, "-i", en, "-i", ja, "-filter_complex", f"{chain}concat=n={n}:v=1:a=0[v]",
           "-map", "[v]", "-map", f"{n}:s", "-map", f"{n + 1}:s", "-c:v", "libx264", "-g", "12", "-pix_fmt", "yuv420p",
           "-c:s", "srt", "-metadata:s:s:0", "language=eng", "-metadata:s:s:1", "language=jpn", path)
    en.unlink()
    ja.unlink()
    return path


EP1_ENG = [(0.5, 2.0, "Where were you last night?"),
           (2.5, 4.0, "At the observatory.\nCounting stars."),
           (4.6, 6.0, "He knew. He always knew."),
           (6.5, 7.4, "I will never"),
           (7.5, 8.8, "forget what you said."),
           (9.0, 9.8, "You always say that.")]
EP1_JPN = [(0.5, 2.0, "昨夜はどこにいたの？"),
           (2.5, 4.0, "天文台で。\n星を数えていた。"),
           (4.6, 6.0, "彼は知っていた。ずっと知っていた。"),
           (6.5, 7.4, "ゼッタイニ"),
           (7.5, 8.8, "忘れない。"),
           (9.0, 9.8, "イツモそう言うのね。")]
EP1_CUTS = [4.5, 8.0]  # 4.5 is 0.1 s before "He knew" starts: within the default 0.3 s padding
EP2_ENG = [(0.5, 2.0, "Nobody knew where he went."),
           (3.0, 4.5, "You always say that."),
           (5.0, 6.5, "Café au lait, please.")]
EP2_JPN = [(0.5, 2.0, "誰も知らなかった。"),
           (3.0, 4.5, "いつもそう言うのね。"),
           (5.0, 6.5, "カフェオレをください。")]


@pytest.fixture(scope="module")
def season(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("season")
    make_episode(folder / "show-e01.mkv", EP1_CUTS, 10.0, EP1_ENG, EP1_JPN)
    make_episode(folder / "show-e02.mkv", [3.5], 7.0, EP2_ENG, EP2_JPN)
    return folder


@pytest.fixture(autouse=True)
def own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def test_fold_ignores_case_accents_width_kana_and_punctuation():
    assert fold("Café, AU LAIT!") == fold("cafe au lait")
    assert fold("ＡＢＣ　ｄｅｆ") == "abc def"
    assert fold("ｶﾌｪｵﾚ") == fold("カフェオレ") == fold("かふぇおれ")
    assert fold("He's") == "hes"
    assert fold("が") != fold("か")  # voicing changes the word: kept


def test_exact_match_has_the_lines_time_track_and_neighbours(season):
    ep1 = season / "show-e01.mkv"
    r = find(ep1, "ALWAYS knew!")
    assert len(r.matches) == 1
    m = r.matches[0]
    assert (m.start, m.end) == (Fraction(46, 10), Fraction(6))
    assert m.subs == "track:0" and m.language == "eng" and m.exact and m.score == 1.0
    assert m.text == "He knew. He always knew."
    assert m.before == ("At the observatory.\nCounting stars.",) and m.after == ("I will never",)


def test_multi_line_cue_and_a_sentence_split_over_two_cues(season):
    ep1 = season / "show-e01.mkv"
    m = find(ep1, "observatory counting").matches
    assert [(x.start, x.end) for x in m] == [(Fraction(5, 2), Fraction(4))]
    m = find(ep1, "never forget what").matches
    assert len(m) == 1 and (m[0].start, m[0].end) == (Fraction(13, 2), Fraction(44, 5))
    assert m[0].text == "I will never\nforget what you said."


def test_japanese_kana_and_width_folding(season):
    ep1 = season / "show-e01.mkv"
    for q in ("知っていた", "ずっと知って"):
        m = find(ep1, q).matches
        assert len(m) == 1 and m[0].subs == "track:1" and m[0].language == "jpn" and m[0].start == Fraction(46, 10)
    # katakana in the line, hiragana / half-width katakana in the query (and the other way round)
    for q in ("いつもそう", "ｲﾂﾓｿｳ", "ぜったいに"):
        m = find(ep1, q).matches
        assert len(m) == 1, q
    assert find(ep1, "いつもそう").matches[0].start == 9


def test_fuzzy_fallback_tolerates_a_misremembered_word(season):
    ep1 = season / "show-e01.mkv"
    m = find(ep1, "he always knows").matches
    assert m and not m[0].exact and m[0].start == Fraction(46, 10) and 0.75 <= m[0].score < 1
    assert find(ep1, "he always knows", fuzzy=False).matches == ()
    assert find(ep1, "a completely different sentence").matches == ()
    # --line takes that one near match, and says so (as find marks it [near match])
    r = dialogue_range(ep1, "he always knows", snap=False)
    assert (r.start, r.text) == (Fraction(43, 10), "He knew. He always knew.")
    assert [n for n in r.notes if "near match" in n and "0:04.6–0:06" in n], r.notes
    assert not [n for n in dialogue_range(ep1, "always knew", snap=False).notes if "near match" in n]


def test_season_folder_ranks_and_narrows(season):
    r = find(season, "you always say that")
    assert [(p.name, x.start) for p, x in ((m.video, m) for m in r.matches)] == [("show-e01.mkv", 9), ("show-e02.mkv", 3)]
    assert len(r.episodes) == 2
    assert [m.video.name for m in find(season, "cafe au lait").matches] == ["show-e02.mkv"]
    assert all(m.language == "jpn" for m in find(season, "いつも", lang="ja").matches)
    assert find(season, "you always", lang="jpn").matches == ()
    assert {m.subs for m in find(season, "知って", track=1).matches} == {"track:1"}


def test_preset_searches_only_the_files_its_episode_pattern_names(season, tmp_path):
    # as a batch's ep = N finds them: e02's preview and an extra beside the episodes are not episodes
    for name, src in (("show-e01.mkv", "show-e01.mkv"), ("show-e02.mkv", "show-e02.mkv"),
                      ("show-e02-preview.mkv", "show-e02.mkv"), ("show-extra.mkv", "show-e01.mkv")):
        shutil.copyfile(season / src, tmp_path / name)  # (copies: the index knows a file by its real path)
    preset = tmp_path / "show.toml"
    preset.write_text(f'[series]\nepisodes = "{tmp_path.as_posix()}"\nepisode_pattern = "show-e{{ep:02d}}.mkv"\n',
                      encoding="utf-8")
    r = find(None, "you always say that", preset=str(preset))
    assert [p.name for p in r.episodes] == ["show-e01.mkv", "show-e02.mkv"]
    assert [m.video.name for m in r.matches] == ["show-e01.mkv", "show-e02.mkv"]


def test_sidecar_files_are_searched_and_a_changed_episode_is_reindexed_alone(season, tmp_path):
    find(season, "anything at all")
    db = sqlite3.connect(index_path())
    ids_before = dict(db.execute("SELECT path, id FROM files").fetchall())
    db.close()
    ep2 = season / "show-e02.mkv"
    side = write_srt(season / "show-e02.fr.srt", [(1.0, 2.0, "Personne ne savait où il était allé.")])
    try:
        m = find(season, "personne ne savait").matches
        assert len(m) == 1 and m[0].subs == "show-e02.fr.srt" and m[0].language == "fra" and m[0].start == 1
        db = sqlite3.connect(index_path())
        ids_after = dict(db.execute("SELECT path, id FROM files").fetchall())
        db.close()
        ep1 = str((season / "show-e01.mkv").resolve())
        assert ids_after[ep1] == ids_before[ep1]  # untouched episode: not read again
        assert ids_after[str(ep2.resolve())] != ids_before[str(ep2.resolve())]  # changed: read again
    finally:
        side.unlink()


def test_line_range_is_padded_and_snapped_to_the_shot(season):
    ep1 = season / "show-e01.mkv"
    # "He knew" is 4.6–6.0; a cut at 4.5 lies inside the 0.3 s padding before it: the start moves onto the cut.
    r = dialogue_range(ep1, "always knew")
    assert r.start == Fraction(9, 2)
    assert r.end == Fraction(63, 10)  # no cut near 6.0: padded by 0.3 s
    assert r.text == "He knew. He always knew." and r.subs == "track:0"
    # "Where were you" 0.5–2.0: no cut near; padding only
    r = dialogue_range(ep1, "where were you", pad="0.2s")
    assert (r.start, r.end) == (Fraction(3, 10), Fraction(11, 5))
    r = dialogue_range(ep1, "always knew", snap=False)
    assert r.start == Fraction(43, 10)
    # padded past the file's start: it starts at 0:00, which is no cut to be told about
    r = dialogue_range(ep1, "where were you", pad="0.8s")
    assert r.start == 0 and not [n for n in r.notes if "cut" in n], r.notes
    # a stretch: from one line to another; "forget what you said" ends 8.8, cut at 8.0 is far: padded
    r = dialogue_range(ep1, from_="where were you", to="forget what you said")
    assert (r.start, r.end) == (Fraction(1, 5), Fraction(91, 10))


def test_ambiguous_and_missing_lines_are_usage_errors(season):
    ep1 = season / "show-e01.mkv"
    with pytest.raises(UsageError) as exc:
        dialogue_range(ep1, "you")
    assert "Line('you', match=1)" in str(exc.value) and "Line('you', match=2)" in str(exc.value)  # as Python writes it
    r = dialogue_range(ep1, "you", match=3, snap=False)
    assert r.first.start == Fraction(9)  # "You always say that." (after "Where were you", "forget what you said")
    with pytest.raises(UsageError) as exc:
        dialogue_range(ep1, "the zebra crossing at midnight")
    assert "no line of show-e01.mkv says" in str(exc.value)
    with pytest.raises(UsageError):
        dialogue_range(ep1, "you", match=9)
    with pytest.raises(UsageError):
        find(ep1, "  ?! ")
    with pytest.raises(InputError):
        find(season / "nope.mkv", "x")


def test_cli_find_prints_matches_commands_and_json(season):
    runner = CliRunner()
    res = runner.invoke(cli, ["find", str(season), "you always say that"])
    assert res.exit_code == 0, res.output
    assert "0:09–0:09.8 " in res.output and "0:03–0:04.5 " in res.output
    assert "--line 'you always say that'" in res.output
    res = runner.invoke(cli, ["find", str(season / "show-e01.mkv"), "知っていた", "--json"])
    data = json.loads(res.stdout)
    assert data["matches"][0]["start"] == "23/5" and data["matches"][0]["subs"] == "track:1"
    # and as a time clipkit reads back ("23/5" is exact but not a timestamp a command takes)
    assert (data["matches"][0]["start_timecode"], data["matches"][0]["end_timecode"]) == ("0:04.6", "0:06")
    from clipkit.timecode import parse_time
    assert parse_time(data["matches"][0]["start_timecode"]) == Fraction(23, 5)
    res = runner.invoke(cli, ["find", str(season), "zebra crossing"])
    assert res.exit_code == 1
    res = runner.invoke(cli, ["find", str(season / "missing.mkv"), "x"])
    assert res.exit_code == 2 and "not found" in res.output


def test_the_printed_gif_command_takes_the_line_it_is_printed_under(tmp_path):
    # `find --lang jpn` (or --track) narrows the search, but `gif --line` searches every source: the --match
    # printed under each match must pick that very line (before, it was the number among the narrowed
    # matches: `--match 1` under the Japanese line at 0:03 made a GIF of the English one at 0:01)
    video = make_episode(tmp_path / "tokyo.mkv", [], 8.0,
                         [(1.0, 2.0, "Tokyo, again."), (6.0, 7.0, "Goodbye.")],
                         [(3.0, 4.0, "Tokyoへ行こう。"), (5.0, 5.8, "またTokyoで。")])
    for narrow in (["--lang", "jpn"], ["--track", "1"], ["--lang", "eng"], []):
        res = CliRunner().invoke(cli, ["find", str(video), "tokyo", "--context", "0", *narrow])
        assert res.exit_code == 0, res.output
        rows = res.stdout.splitlines()
        shown = [(r.split()[2], rows[i + 2].split("--line ", 1)[1]) for i, r in enumerate(rows) if r[:1].isdigit()]
        assert shown, res.stdout
        for span, command in shown:
            match = int(command.split("--match ")[1]) if "--match" in command else None
            picked = dialogue_range(video, "tokyo", match=match, snap=False)
            assert format_time(picked.first.start) == span.split("–")[0], (narrow, span, command)


# ---------------------------------------------------------------- --line on the jobs


def test_gif_and_still_and_strip_by_line(season, tmp_path):
    import clipkit

    ep1 = season / "show-e01.mkv"
    art = clipkit.gif(ep1, line="always knew", output=tmp_path / "g.gif", width=96, fps=10)
    assert (art.start, art.end) == (Fraction(9, 2), Fraction(63, 10))  # padded, start snapped onto the cut at 4.5
    assert art.captions[0] == "He knew. He always knew."  # the chosen line leads the alt text
    assert "start moved onto the cut at 0:04.5" in art.notes
    art = clipkit.gif(ep1, line=clipkit.Line(line_from="where were you", line_to="observatory"),
                      output=tmp_path / "f.gif", width=96, fps=10, subs="off")
    assert (art.start, art.end) == (Fraction(1, 5), Fraction(43, 10))
    shot = clipkit.still(ep1, line="never forget", output=tmp_path / "s.png", best=True)
    assert Fraction(13, 2) <= shot.start < Fraction(44, 5)  # a frame while "I will never / forget…" is spoken
    assert "forget" in shot.captions[0]
    sheet = clipkit.strip(ep1, tmp_path / "strip.png", line="you always say that", count=2, width=200)
    assert sheet.frame_count == 2
    with pytest.raises(UsageError, match="give only one"):
        clipkit.gif(ep1, "1", "+2", line="always knew", output=tmp_path / "x.gif")


def test_from_to_alt_text_is_the_stretch_once_in_order(season, tmp_path):
    # --from/--to with the dialogue burned in: each line once, in spoken order, in the alt text
    res = CliRunner().invoke(cli, ["gif", str(season / "show-e01.mkv"), "--from", "where were you", "--to", "always knew",
                                   "--width", "96", "--fps", "10", "-o", str(tmp_path / "f.gif"), "--embed", "html"])
    assert res.exit_code == 0, res.output
    alt = res.stdout.split('alt="')[1].split('"')[0]
    assert alt == "Where were you last night? / At the observatory. Counting stars. / He knew. He always knew.", alt


def test_cli_line_errors_list_the_candidates(season, tmp_path):
    res = CliRunner().invoke(cli, ["gif", str(season / "show-e01.mkv"), "--line", "you", "-o", str(tmp_path / "x.gif")])
    assert res.exit_code == 2 and "--match 2" in res.output
    assert not (tmp_path / "x.gif").exists()
    res = CliRunner().invoke(cli, ["still", str(season / "show-e01.mkv"), "--line", "he always knew", "-o",
                                   str(tmp_path / "s.png"), "--embed", "html"])
    assert res.exit_code == 0, res.output
    assert "He knew. He always knew." in res.stdout  # the line is the alt text


def test_batch_job_by_line(season, tmp_path):
    import clipkit

    jobs = tmp_path / "post.toml"
    jobs.write_text(f'[[job]]\nkind = "gif"\nepisode = "{season / "show-e02.mkv"}"\nline = "cafe au lait"\n'
                    f'width = 96\nfps = 10\n', encoding="utf-8")
    result = clipkit.batch(jobs, output=tmp_path / "out")
    assert result.ok, [j.error for j in result.results]
    art = result.results[0].artifact
    assert art.start <= 5 and art.end >= Fraction(13, 2) and "line-cafe" in art.path.name


def test_a_batch_jobs_ambiguous_line_names_the_job_files_keys(season, tmp_path):
    # several lines match a job's `line`: the error tells what to write in the job file (match = 2), not the
    # CLI flag (before: "→ --line 'you always say that' --match 2", which a CSV or TOML job cannot take)
    import clipkit

    jobs = tmp_path / "post.toml"
    jobs.write_text(f'[[job]]\nkind = "still"\nepisode = "{season / "show-e01.mkv"}"\nline = "you"\nwidth = 96\n'
                    f'\n[[job]]\nkind = "still"\nepisode = "{season / "show-e01.mkv"}"\nline = "you"\nmatch = 9\n'
                    f'name = "far"\n'
                    f'width = 96\n', encoding="utf-8")
    result = clipkit.batch(jobs, output=tmp_path / "out", workers=1)
    ambiguous, too_far = (f"{r.error} — {r.hint}" for r in result.results)
    assert 'line = "you" matches' in ambiguous and 'line = "you", match = 2' in ambiguous, ambiguous
    assert "--match" not in ambiguous and "--line" not in ambiguous, ambiguous
    assert too_far.startswith('match = 9: line = "you" has') and "--match" not in too_far, too_far
    res = CliRunner().invoke(cli, ["still", str(season / "show-e01.mkv"), "--line", "you", "-o", str(tmp_path / "x.png")])
    assert res.exit_code == 2 and "--line 'you' --match 2" in res.output  # the command line keeps its flags


def test_a_language_no_episode_has_is_said_not_just_no_match(season):
    """--lang kor on an English/Japanese season said only "no line says …", as if the words were wrong."""
    r = find(season, "you always say that", lang="ko")
    assert r.matches == ()
    assert any("no subtitles in 'kor'" in n and "eng, jpn" in n for n in r.notes), r.notes
    res = CliRunner().invoke(cli, ["find", str(season), "you always say that", "--lang", "kor"])
    assert res.exit_code == 1 and "no subtitles in 'kor'" in res.output
    # a language that is there but has no such line: no such note
    assert not any("no subtitles" in n for n in find(season, "you always", lang="jpn").notes)


def test_output_piped_into_head_stops_quietly(season, tmp_path):
    """`clipkit find … | head -3`: the reader goes away, and clipkit printed
    "clipkit: error: Broken pipe — run with --debug for details" (a Unix tool stops quietly)."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"),
           "PYTHONPATH": os.pathsep.join([str(Path(__file__).parents[1] / "src"), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.Popen([sys.executable, "-m", "clipkit", "find", str(season), "always"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # the reader is gone before the first line
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 1
    assert "Broken pipe" not in err and "Traceback" not in err and "Exception ignored" not in err, err


def test_a_line_split_over_two_subtitles_is_said_once_in_the_alt_text(season, tmp_path):
    """--line finding a sentence spoken over two subtitles ("I will never" / "forget what you said.") with the
    dialogue burned in: the alt text is the sentence once.  Before: the sentence, then each of its two
    subtitles again ("I will never forget what you said. / I will never / forget what you said.")."""
    res = CliRunner().invoke(cli, ["gif", str(season / "show-e01.mkv"), "--line", "never forget", "--width", "96",
                                   "--fps", "10", "-o", str(tmp_path / "n.gif"), "--embed", "html"])
    assert res.exit_code == 0, res.output
    alt = res.stdout.split('alt="')[1].split('"')[0]
    assert alt.startswith("I will never forget what you said."), alt
    assert alt.count("never") == 1 and alt.count("forget") == 1, alt


def test_a_track_no_episode_has_is_said_not_just_no_match(season):
    """--track 7 (a typo for 1, or a sidecar named wrong) said only "no line says …", as if the words were
    wrong, where --lang names the languages there are."""
    r = find(season, "you always say that", track=7)
    assert r.matches == ()
    assert any("no subtitle source 'track:7' here" in n and "track:0 (eng)" in n for n in r.notes), r.notes
    res = CliRunner().invoke(cli, ["find", str(season), "you always say that", "--track", "7"])
    assert res.exit_code == 1 and "no subtitle source 'track:7'" in res.output
    assert find(season, "you always say that", track=0).matches  # a track that is there: no such note


def test_a_limit_under_one_is_refused_not_read_as_one(season):
    """find(…, limit=0) (or -1) returned one match, as if 1 were asked; the CLI refuses --limit 0."""
    assert len(find(season, "you", limit=2).matches) == 2
    for bad in (0, -1, "3"):
        with pytest.raises(UsageError, match=f"limit={bad!r}: must be a whole number, 1 or more"):
            find(season, "you", limit=bad)


def test_clips_made_in_the_episodes_folder_are_not_searched_as_episodes(tmp_path):
    """`clipkit clip ep.mkv 0:01 +2 --soft-subs` writes into the folder it runs in, the episodes' own; `clipkit find .`
    then searched that clip as an episode and listed its line twice (the studio showed it as an episode too).
    Files the folder's manifest records as clipkit's are not episodes; a file named outright still is searched."""
    import clipkit

    ep = make_episode(tmp_path / "show-e01.mkv", [2.0], 4.0, [(0.5, 1.8, "Where were you?")], [(0.5, 1.8, "どこにいたの？")])
    made = clipkit.clip(ep, "0.4", "+1.6", tmp_path / "moment.mp4", soft_subs=True, subs="track:0", poster=False)
    assert made.path.parent == tmp_path
    found = find(tmp_path, "where were you")
    assert [m.video.name for m in found.matches] == ["show-e01.mkv"], found.matches
    assert [m.video.name for m in find(made.path, "where were you").matches] == ["moment.mp4"]


def test_a_limit_of_one_says_match_not_matches(season):
    """`clipkit find season "you" --limit 1` ended with "note: showing the first 1 matches (--limit)"."""
    res = CliRunner().invoke(cli, ["find", str(season), "you", "--limit", "1"])
    assert res.exit_code == 0, res.output
    assert "note: showing the first 1 match (--limit)" in res.output, res.output
    res = CliRunner().invoke(cli, ["find", str(season), "you", "--limit", "2"])
    assert "note: showing the first 2 matches (--limit)" in res.output, res.output


def test_skipped_files_are_not_counted_among_the_episodes_searched(season, tmp_path):
    """`clipkit find FOLDER WORDS --lang jpn` with a file that is no video among the episodes said "no line says … in
    3 episodes" beside "note: skipped ep02.mkv": the skipped file is not an episode searched; it is counted apart."""
    folder = tmp_path / "eps"
    folder.mkdir()
    shutil.copyfile(season / "show-e01.mkv", folder / "show-e01.mkv")
    shutil.copyfile(season / "show-e02.mkv", folder / "show-e02.mkv")
    (folder / "show-e03.mkv").write_text("not a video: a download that failed")
    for _ in range(2):  # the first search reads the files, the second answers from the index
        r = find(folder, "zebra crossing", lang="jpn")
        assert [p.name for p in r.episodes] == ["show-e01.mkv", "show-e02.mkv"], r.episodes
        assert [p.name for p in r.skipped] == ["show-e03.mkv"] and any("skipped show-e03.mkv" in n for n in r.notes)
    res = CliRunner().invoke(cli, ["find", str(folder), "zebra crossing", "--lang", "jpn"])
    assert res.exit_code == 1 and "no line says 'zebra crossing' in 2 episodes (1 file skipped)" in res.output, res.output
    res = CliRunner().invoke(cli, ["find", str(folder), "そう言うのね", "--lang", "jpn", "--json"])
    data = json.loads(res.stdout)
    assert len(data["episodes"]) == 2 and [Path(p).name for p in data["skipped"]] == ["show-e03.mkv"]
    assert {Path(m["video"]).name for m in data["matches"]} == {"show-e01.mkv", "show-e02.mkv"}


def test_nothing_searched_because_no_file_given_is_a_video_is_an_error_not_no_match(tmp_path):
    """`clipkit find notes.mkv WORDS` (a file that is no video, as `clipkit gif notes.mkv` refuses in one line, exit 2)
    said "note: skipped notes.mkv: …" and "no line says 'WORDS' in 0 episodes (1 file skipped)", exit 1: as if the
    words had been looked for.  Now one line saying what the file is and what to do, exit 2; a folder of such files
    names them.  (Once indexed, the same: the index answers the second time.)"""
    from clipkit.errors import InputError

    bad = tmp_path / "notes.mkv"
    bad.write_text("not a video: a download that failed")
    for _ in range(2):
        res = CliRunner().invoke(cli, ["find", str(bad), "always knew"])
        lines = res.output.strip().splitlines()
        assert res.exit_code == 2 and len(lines) == 1, res.output
        assert lines[0] == (f"clipkit: error: {bad} is not a media file ffmpeg can read (Invalid data found when processing "
                            "input) — check that it is a video file (mkv, mp4, …) and that it downloaded completely"), lines
    folder = tmp_path / "eps"
    folder.mkdir()
    for name in ("a.mkv", "b.mp4"):
        (folder / name).write_text("not a video")
    with pytest.raises(InputError, match=r"none of the 2 files is a video ffmpeg can read \(a\.mkv, b\.mp4\)"):
        find(folder, "always knew")


def test_an_index_made_before_skipped_files_were_marked_is_brought_up_to_date(season, tmp_path):
    """An index from before INDEX_VERSION 7 has no files.skipped column: it is added, and the files read again."""
    path = index_path()
    path.parent.mkdir(parents=True)
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE files(id INTEGER PRIMARY KEY AUTOINCREMENT, path TEXT UNIQUE, signature TEXT, notes TEXT)")
    r = find(season, "you always say that", lang="eng")
    assert len(r.matches) == 2 and len(r.episodes) == 2 and r.skipped == ()


def test_a_skipped_files_reason_is_kept_as_such_not_read_back_from_its_note(season, tmp_path):
    """find recovered why a file was skipped by cutting its note ("skipped NAME: REASON") at the first ": " — a name
    with ": " in it (as TV titles have) gave half the name as the reason: `clipkit find "Blink: part 1.mkv" WORDS`
    said "error: part 1.mkv: …/Blink: part 1.mkv is not a media file…".  The reason is now stored with the file in
    the index and given as such (FindResult.skip_reasons, "skip_reasons" in --json), from the index the second time."""
    bad = tmp_path / "Blink: part 1.mkv"
    bad.write_text("not a video: a download that failed")
    for _ in range(2):  # the first search reads the file, the second answers from the index
        res = CliRunner().invoke(cli, ["find", str(bad), "always knew"])
        lines = res.output.strip().splitlines()
        assert res.exit_code == 2 and len(lines) == 1, res.output
        assert lines[0].startswith(f"clipkit: error: {bad} is not a media file ffmpeg can read ("), lines
    folder = tmp_path / "eps"
    folder.mkdir()
    shutil.copyfile(season / "show-e01.mkv", folder / "show-e01.mkv")
    shutil.copyfile(bad, folder / "Blink: part 2.mkv")
    for _ in range(2):
        r = find(folder, "zebra crossing")
        assert [p.name for p in r.episodes] == ["show-e01.mkv"] and [p.name for p in r.skipped] == ["Blink: part 2.mkv"]
        assert list(r.skip_reasons) == [folder / "Blink: part 2.mkv"], r.skip_reasons
        assert r.skip_reasons[folder / "Blink: part 2.mkv"].startswith(f"{folder / 'Blink: part 2.mkv'} is not a media file")
    data = json.loads(CliRunner().invoke(cli, ["find", str(folder), "you", "--json"]).stdout)
    assert data["skip_reasons"] == {str(folder / "Blink: part 2.mkv"): r.skip_reasons[folder / "Blink: part 2.mkv"]}
