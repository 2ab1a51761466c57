"""Sign-in throttling's rules that need no database: the name failures are counted under, and
the device cookie's entries (OWASP's "device cookies", org.login).

A browser in which someone signed in successfully holds a device cookie: signed by the server
(org.login), it names the accounts that signed in there, each with a random nonce and when it
was issued. An attempt for a name the cookie holds is the known device's: it is exempt from the
lockout that strangers' failures put on the name (and on the address), and locked only by its
own failures. So a stranger who types five wrong passwords locks the name for every browser
without the cookie, not for the officer's own tablet.

A tablet changes hands between shifts, so the cookie holds up to DEVICES_PER_COOKIE names, the
latest sign-in first; each entry lasts its own max_age from its own sign-in, not from another
officer's.

An entry also holds a tag of the account's password as it was at that sign-in (`auth`, made by
org.login from the stored hash, as Django's session auth hash is): an entry vouches only while
the account's tag is still the same, so a changed (or disabled) password ends every cookie
issued under the old one, whoever holds it.

>>> old = DeviceEntry("officer1", "n-old", issued=1_000, auth="pw-o")
>>> held = renewed([old], username="Lead1", nonce="n-lead", auth="pw-l", now=2_000, max_age=5_000)
>>> [e.username for e in held]
['Lead1', 'officer1']
>>> device_for(held, " lead1 ", auth="pw-l", now=2_000, max_age=5_000).nonce
'n-lead'
>>> device_for(held, "lead1", auth="pw-l2", now=2_000, max_age=5_000) is None  # password changed
True
>>> device_for(held, "officer1", auth="pw-o", now=7_000, max_age=5_000) is None  # issued 6,000 s before
True
"""
from __future__ import annotations

import hmac
from dataclasses import dataclass

# How many accounts one browser's cookie vouches for: the officers who share a tablet.
DEVICES_PER_COOKIE = 8
# Characters of a nonce an audit event shows: enough to tell one device's failures from
# another's, too few to be the nonce (the cookie's signature is what proves it anyway).
NONCE_HINT = 6


def login_key(username: str) -> str:
    """The name failures are counted under: case and surrounding spaces do not make a new one.

    >>> login_key("  Officer1 ")
    'officer1'
    """
    return username.strip().lower()[:150]


@dataclass(frozen=True)
class DeviceEntry:
    username: str  # as the account has it
    nonce: str
    issued: int  # Unix seconds of the sign-in that issued it
    auth: str  # the account's password tag at that sign-in (org.login.password_tag)


def entries_from(payload) -> list[DeviceEntry]:
    """The entries of a cookie's (verified) payload; anything not shaped like one is dropped,
    such as an entry without a password tag (issued before entries had one).

    >>> entries_from([["officer1", "abc", 12, "t"], ["x"], "y", ["lead1", "", 3, "t"], ["a", "b", 1]])
    [DeviceEntry(username='officer1', nonce='abc', issued=12, auth='t')]
    >>> entries_from({"officer1": "abc"})
    []
    """
    if not isinstance(payload, list):
        return []
    found = []
    for item in payload:
        if (isinstance(item, list) and len(item) == 4 and isinstance(item[0], str) and item[0]
                and isinstance(item[1], str) and item[1] and isinstance(item[2], int)
                and isinstance(item[3], str) and item[3]):
            found.append(DeviceEntry(item[0], item[1], item[2], item[3]))
    return found


def entries_payload(entries: list[DeviceEntry]) -> list[list]:
    """What the cookie signs: plain JSON lists, the shortest form.

    >>> entries_payload([DeviceEntry("officer1", "abc", 12, "t")])
    [['officer1', 'abc', 12, 't']]
    """
    return [[e.username, e.nonce, e.issued, e.auth] for e in entries]


def _fresh(entry: DeviceEntry, now: int, max_age: int) -> bool:
    return now - entry.issued <= max_age


def device_for(entries: list[DeviceEntry], username: str, *, auth: str | None, now: int,
               max_age: int) -> DeviceEntry | None:
    """The entry vouching for `username` as typed (compared as `login_key` counts it), if it was
    issued within `max_age` seconds under the account's password tag `auth` as it is now (None:
    no account has the name); None means the attempt is a stranger's.

    >>> held = [DeviceEntry("officer1", "abc", 100, "t1")]
    >>> device_for(held, "OFFICER1", auth="t1", now=150, max_age=60).nonce
    'abc'
    >>> device_for(held, "lead1", auth="t1", now=150, max_age=60) is None
    True
    >>> device_for(held, "officer1", auth="t2", now=150, max_age=60) is None
    True
    """
    key = login_key(username)
    if not key or not auth:
        return None
    for entry in entries:
        if (login_key(entry.username) == key and _fresh(entry, now, max_age)
                and hmac.compare_digest(entry.auth, auth)):
            return entry
    return None


def renewed(entries: list[DeviceEntry], *, username: str, nonce: str, auth: str, now: int, max_age: int,
            keep: int = DEVICES_PER_COOKIE) -> list[DeviceEntry]:
    """The cookie's entries after `username` signed in with the password tagged `auth`: a new
    entry for them first (a new nonce, as OWASP issues a new cookie), their old one and expired
    ones dropped, at most `keep` in all (the oldest go).

    >>> held = [DeviceEntry("a", "1", 10, "ta"), DeviceEntry("B", "2", 5, "tb")]
    >>> [(e.username, e.nonce, e.issued) for e in renewed(held, username="b", nonce="3", auth="tb",
    ...                                                   now=20, max_age=100, keep=2)]
    [('b', '3', 20), ('a', '1', 10)]
    >>> [e.username for e in renewed(held, username="c", nonce="4", auth="tc", now=108, max_age=100)]
    ['c', 'a']
    """
    key = login_key(username)
    others = [e for e in entries if login_key(e.username) != key and _fresh(e, now, max_age)]
    return [DeviceEntry(username, nonce, now, auth), *others][:keep]


def nonce_hint(nonce: str) -> str:
    """How an audit event names a device: the nonce's first characters, never all of it.

    >>> nonce_hint("Zx81qPp0aa9Bc-_e2rTy7Q")
    'Zx81qP'
    """
    return nonce[:NONCE_HINT]
