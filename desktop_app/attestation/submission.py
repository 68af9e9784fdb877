"""The PI and IA entries as QPP JSON, and their live score (the scoring package's)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop_app.attestation.entity import scoring_options
from desktop_app.attestation.tables import ensure_tables
from desktop_app.formats.qpp_json import Submission
from desktop_app.reporting import EntityKey, build_submission
from desktop_app.scoring import PreviewResult, ScoringOptions, score_submission

if TYPE_CHECKING:
    from desktop_app.scoring.lookup import MeasureLookup
    from desktop_app.store import Workspace


def build_pi_ia_submission(ws: Workspace, entity: EntityKey) -> Submission:
    """The entity's QPP JSON submission with only its ``pi`` and ``ia`` measurement sets."""
    ensure_tables(ws)
    full = build_submission(ws, entity)
    sets = [s for s in full.measurement_sets if s.category in ("pi", "ia")]
    return full.model_copy(update={"measurement_sets": sets})


def live_preview(
    ws: Workspace,
    entity: EntityKey,
    lookup: MeasureLookup,
    options: ScoringOptions | None = None,
) -> PreviewResult:
    """Score the PI and IA entries as ``mipsdesk preview`` scores the exported file."""
    return score_submission(
        build_pi_ia_submission(ws, entity),
        lookup,
        options if options is not None else scoring_options(ws, entity),
    )


def preview_cli_args(options: ScoringOptions) -> list[str]:
    """The ``mipsdesk preview`` options that give the same scoring options."""
    args: list[str] = []
    if options.is_small_practice:
        args.append("--small-practice")
    others = sorted(s for s in options.statuses if s != "small_practice")
    if others:
        args += ["--special-status", ",".join(s.replace("_", "-") for s in others)]
    if options.apm_participant:
        args.append("--apm-participant")
    if options.pi_hardship:
        args.append("--pi-hardship")
    return args
