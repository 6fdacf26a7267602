"""Of a filer's SEC bodies, the one that has arrived is read first, whatever the planned order."""

import threading

from analysis.providers.public import fetch_ahead
from analysis.providers.public.fetch_ahead import Planned
from datasources.cache import Packed


def test_bodies_that_have_arrived_are_read_before_those_on_their_way():
    release = threading.Event()

    def fetch(planned: Planned, on_slot) -> Packed:
        on_slot()
        if planned.key == "companyfacts:1":
            assert release.wait(5)
        return Packed(planned.key.encode())

    facts, submissions = Planned("sec", "companyfacts:1", "u"), Planned("sec", "submissions:1", "u")
    with fetch_ahead.sending(2, fetch) as ahead:
        ahead.send([facts, submissions], held={})
        assert ahead.sent("sec", "submissions:1").result(5).content == b"submissions:1"
        assert fetch_ahead.arrived_first([facts, submissions]) == [submissions, facts]
        release.set()
        assert ahead.sent("sec", "companyfacts:1").result(5).content == b"companyfacts:1"
        assert fetch_ahead.arrived_first([facts, submissions]) == [facts, submissions]
    assert fetch_ahead.arrived_first([facts, submissions]) == [facts, submissions]  # no prefetch
