from __future__ import annotations

from audit.chain import ChainProblem, walk
from audit.models import AuditChainHead, AuditEntry

__all__ = ["ChainProblem", "verify_chain"]


def verify_chain(batch_size: int = 2000) -> tuple[int, ChainProblem | None]:
    """Walk the chain in order; return (entries checked, first problem or None)."""
    result = walk(AuditEntry.objects.order_by("seq").iterator(chunk_size=batch_size))
    if result.problem is not None:
        return result.checked, result.problem
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.last_seq != result.last_seq or head.last_hash != result.last_hash):
        return result.checked, ChainProblem(head.last_seq, f"entries after #{result.last_seq} were deleted")
    return result.checked, None
