"""The benchmark's SMTP sink recognises a duplicate by its Message-ID without parsing the mail."""

from continuite.notifications.sink import RecordingHandler, _message_id


def test_it_reads_the_message_id_from_the_headers_only():
    raw = b"Subject: Avis\r\nMessage-ID: <n-1@continuite>\r\n\r\nMessage-ID: <dans-le-corps>\r\n"
    assert _message_id(raw) == "<n-1@continuite>"
    assert _message_id(b"subject: x\nmessage-id:  <n-2@continuite>\n\ncorps") == "<n-2@continuite>"
    assert _message_id(b"Subject: sans identifiant\r\n\r\nMessage-ID: <corps>") is None


def test_it_counts_a_mail_received_twice_as_one_duplicate():
    handler = RecordingHandler()
    handler.message_ids = ["<a>", "<b>", "<a>", "<a>"]
    assert handler.duplicates == 2
