"""Key rotation: rewrite every stored audio file under the current RECORDINGS_KEY
(`manage.py reencrypt_recordings`). A file is replaced only if its row still names it, so a run
racing with the retention task or another run changes nothing twice."""

from __future__ import annotations

from django.db import transaction

from audit.log import log_action
from recordings import crypto
from recordings.models import Recording, RecordingChunk


def _rewrite(model: type[Recording] | type[RecordingChunk], pk: int, name: str, kid: str) -> bool:
    stored = crypto.store_encrypted(crypto.iter_decrypted(name, kid), suffix=".enc")
    with transaction.atomic():
        moved = model.objects.filter(pk=pk, file=name, key_id=kid).update(file=stored.name, key_id=stored.key_id)
    if moved:
        crypto.delete_stored(name)
    else:
        crypto.delete_stored(stored.name)
    return bool(moved)


def do_reencrypt_recordings() -> int:
    """Returns the number of files rewritten."""
    current = crypto.key_id(crypto.current_key())
    count = 0
    for model in (Recording, RecordingChunk):
        rows = model.objects.exclude(file="").exclude(key_id=current).values_list("pk", "file", "key_id")
        for pk, name, kid in rows.iterator():
            count += _rewrite(model, pk, name, kid)
    with transaction.atomic():
        log_action("recording.reencrypted", actor=None, data={"files": count, "key_id": current})
    return count
