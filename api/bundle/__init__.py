"""The audit bundle: a union's (or a whole subtree's) events, as stored, in one zip file that an
auditor can check offline, without the database or unionflow's server.

What is in it
-------------
- ``events.jsonl``: one JSON object per line, every stored field the hash covers, exactly as
  stored (``payload`` and ``metadata`` are the stored JSON *text*, not re-encoded; dates in the
  canonical text `events.hashing` hashes): position, stream_id, version, event_type,
  schema_version, occurred_on, recorded_at, metadata, payload, prev_hash, hash. Streams one after
  the other, each in version order from version 1, so each stream's SHA-256 chain
  (`events.hashing.event_hash_text`) is recomputed from the genesis hash to its head.
- ``profiles/<name>-v<version>.json``: each rule profile a procedure in the bundle pinned in its
  first event, by name and version, with the full settings as pinned.
- ``manifest.json``: what was exported (organisation, subtree or union only), when, by whom, the
  counts, each stream's version and head hash as the store's stream registry had them, the store's
  log head (position and running hash) at export time, and the SHA-256 and size of every other
  file in the bundle.

The files are stored uncompressed, so that the zip's CRC-32 and the digests cover every byte that
carries data (a deflated stream has padding bits that no digest of its content sees).

What `verify_bundle` checks, in order, reporting the first break (file, stream, version, kind)
-----------------------------------------------------------------------------------------------
0. the zip container, byte for byte (``container``): each member's local header against its
   directory entry, members end to end from the first byte to the directory, the directory's
   entries as stored, the end record; a zip the zip module cannot read is ``unreadable``, naming
   the member being read;
1. the manifest reads and lists every file (``missing-file``, ``unlisted-file``);
2. every stream's chain in ``events.jsonl``: versions 1..N in order (``version-gap`` for a deleted
   line, ``out-of-order`` for reordered lines), each ``prev_hash`` the previous hash
   (``chain-broken``), each hash recomputed from the fields (``edited``), positions increasing;
3. the events against the manifest: every stream listed, with its version and head hash
   (``manifest-mismatch``, also for edited counts or scope);
4. every pinned profile present in ``profiles/`` and equal to what the events pinned
   (``profile-missing``, ``profile-mismatch``: a swapped profile file);
5. each file's SHA-256 and size as the manifest says (``file-hash``): catches what the checks
   above cannot see, e.g. an edited field the hash does not cover.

What it cannot show alone: someone who rewrites a bundle consistently (events, hashes, manifest and
file digests together) produces a bundle that verifies. The defence is an anchor kept elsewhere: the
manifest's SHA-256 that `export` prints, or the log head, compared with `unionflow verify` or
`EventStore.verify(expected_head=...)` on the database.

`verify_bundle` imports nothing but the standard library and `events.hashing` (the hash functions
the store itself uses), and opens no database.

The modules: `format` (file names, event fields, pinned profiles), `writing` (`write_bundle`),
`verifying` (`verify_bundle`: manifest, files, profiles), `chains` (the events' hash chains),
`report` (what a check reports)."""

from api.bundle.format import EVENT_FIELDS, EVENTS, FORMAT, FORMAT_VERSION, GENESIS_HASH, MANIFEST, PROFILES_DIR
from api.bundle.report import BundleBreak, BundleReport
from api.bundle.verifying import verify_bundle
from api.bundle.writing import BundleScopeError, read_snapshot, scope_streams, write_bundle

__all__ = [
    "EVENTS",
    "EVENT_FIELDS",
    "FORMAT",
    "FORMAT_VERSION",
    "GENESIS_HASH",
    "MANIFEST",
    "PROFILES_DIR",
    "BundleBreak",
    "BundleReport",
    "BundleScopeError",
    "read_snapshot",
    "scope_streams",
    "verify_bundle",
    "write_bundle",
]
