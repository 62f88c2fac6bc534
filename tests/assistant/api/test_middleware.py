"""The rate limiter's arithmetic and API-key extraction, with a controllable clock."""

from __future__ import annotations

import pytest

from assistant.api.middleware import TokenBuckets, presented_key


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_bucket_allows_a_burst_then_asks_to_wait():
    clock = Clock()
    buckets = TokenBuckets(per_minute=6, clock=clock)
    assert [buckets.take("a") for _ in range(6)] == [0.0] * 6
    assert buckets.take("a") == pytest.approx(10.0)
    assert buckets.take("b") == 0.0


def test_bucket_refills_over_time():
    clock = Clock()
    buckets = TokenBuckets(per_minute=60, clock=clock)
    for _ in range(60):
        buckets.take("a")
    assert buckets.take("a") > 0
    clock.now += 1.0
    assert buckets.take("a") == 0.0
    assert buckets.take("a") > 0


def test_idle_clients_are_forgotten():
    clock = Clock()
    buckets = TokenBuckets(per_minute=60, clock=clock)
    buckets.MAX_CLIENTS = 3
    for client in "abc":
        buckets.take(client)
    clock.now += 120
    buckets.take("d")
    assert set(buckets.buckets) == {"d"}


@pytest.mark.parametrize(
    "headers,expected",
    [
        ({b"x-api-key": b"k1"}, b"k1"),
        ({b"authorization": b"Bearer k2"}, b"k2"),
        ({b"authorization": b"bearer  k3 "}, b"k3"),
        ({b"authorization": b"Basic abc"}, None),
        ({b"authorization": b"Bearer "}, None),
        ({}, None),
    ],
)
def test_presented_key(headers, expected):
    assert presented_key(headers) == expected
