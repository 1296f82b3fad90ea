"""The terminal's output bookkeeping: incremental UTF-8, the bounded scroll-back, watermarks."""

from __future__ import annotations

from pairpad.runtime.terminal_output import FlowControl, OutputDecoder, Scrollback


def test_a_character_split_across_reads_is_decoded_whole() -> None:
    text = "€ añ 🙂 ok"
    raw = text.encode()
    decoder = OutputDecoder()
    # Every split point, including inside the 3- and 4-byte characters.
    for cut in range(1, len(raw)):
        decoder = OutputDecoder()
        assert decoder.decode(raw[:cut]) + decoder.decode(raw[cut:]) + decoder.flush() == text
    byte_by_byte = OutputDecoder()
    assert "".join(byte_by_byte.decode(raw[i:i + 1]) for i in range(len(raw))) == text


def test_invalid_bytes_become_replacement_characters_and_the_end_is_flushed() -> None:
    decoder = OutputDecoder()
    assert decoder.decode(b"a\xffb\xe2\x82") == "a\ufffdb"
    assert decoder.flush() == "\ufffd"  # an incomplete character at the very end


def test_the_scrollback_keeps_the_tail_and_its_end_offset() -> None:
    ring = Scrollback(limit=10)
    for part in ("abc", "defg", "hijkl", "mn"):
        ring.append(part)
    assert ring.end == 14
    assert ring.text() == "efghijklmn" and len(ring) == 10
    ring.append("")
    assert ring.end == 14


def test_the_scrollback_cuts_at_a_line_start_when_it_can() -> None:
    ring = Scrollback(limit=12)
    ring.append("line-one\r\nline-two\r\n")  # 20 chars: cutting 8 would split "line-one"
    assert ring.text() == "line-two\r\n"
    ring.append("x" * 30)  # no line break in the cut part: cut exactly
    assert ring.text() == "x" * 12
    assert ring.end == 50


def test_the_scrollback_stays_bounded_under_many_small_appends() -> None:
    ring = Scrollback(limit=1000)
    for i in range(10_000):
        ring.append(f"{i}\n")
    assert len(ring) <= 1000 and ring.text().endswith("9999\n")
    assert ring.text().split("\n")[0].isdigit()  # starts at a whole line


def test_flow_control_pauses_above_the_high_watermark_and_resumes_below_the_low() -> None:
    flow = FlowControl(high=100, low=20)
    flow.wrote(100)
    assert not flow.should_pause()  # at the mark, not above
    flow.wrote(1)
    assert flow.should_pause()
    flow.paused = True
    assert not flow.should_pause()
    flow.ack(50)
    assert flow.unacked == 51 and not flow.should_resume()
    flow.ack(40)  # an older ack does not move it back
    assert flow.acked == 50
    flow.ack(81)
    assert flow.should_resume()


def test_an_ack_beyond_what_was_written_counts_only_up_to_it() -> None:
    flow = FlowControl(high=100, low=20, written=30)
    flow.ack(10**9)
    assert flow.acked == 30 and flow.unacked == 0
    flow.wrote(200)
    assert flow.should_pause()  # a bogus ack did not buy credit for later output
    flow.catch_up()
    assert flow.unacked == 0
