"""A deliberately detuned copy of examples/popoto/constants.py: three constants set to poor values, for checking
that the ratchet moves them back (DECAY_RATE, WF_MIN_THRESHOLD, CO_OCCURRENCE_INITIAL_WEIGHT).
Values are class attributes of ``Defaults``; comments record where each value came from.
"""

from enum import Enum


class TemporalPeriod(Enum):
    DAILY = 86400
    WEEKLY = 604800


class InteractionWeight:
    HUMAN = 6.0
    AGENT = 1.0
    SYSTEM = 0.2


class Defaults:
    """Central registry of tunable behavioural constants."""

    # -- DecayingSortedField ------------------------------------------------
    DECAY_RATE = 2.0  # deliberately detuned
    DECAY_CONFIDENCE_MODULATION_ENABLED = True
    DECAY_CONFIDENCE_MODULATION_STRENGTH = 0.5

    # -- ConfidenceField ----------------------------------------------------
    INITIAL_CONFIDENCE = 0.5
    CONFIDENCE_EVIDENCE_CAP = 20  # a user-facing memory window, not tuned
    CONFIDENCE_EPSILON = 1e-9  # not user config

    # -- ObservationProtocol ------------------------------------------------
    ACTED_CONFIDENCE_SIGNAL = 0.9
    CONTRADICTED_CONFIDENCE_SIGNAL = 0.1
    ACTED_CYCLE_STRENGTHEN_FACTOR = (
        1.2  # empirically inert (variance=0.0)
    )
    DISMISSED_CYCLE_WEAKEN_FACTOR = 0.8
    CONTRADICTED_CYCLE_WEAKEN_FACTOR = 0.5
    AUTO_DISCHARGE_CONFIDENCE_THRESHOLD = 0.1

    # -- WriteFilterMixin ---------------------------------------------------
    WF_MIN_THRESHOLD = 0.5  # deliberately detuned
    WF_PRIORITY_THRESHOLD = 0.7

    # -- CoOccurrenceField --------------------------------------------------
    CO_OCCURRENCE_DECAY_FACTOR = 0.95
    CO_OCCURRENCE_INITIAL_WEIGHT = 0.01  # deliberately detuned
    CO_OCCURRENCE_DECAY_PER_HOP = 0.5
    CO_OCCURRENCE_WEIGHT_CAP = 1.0

    # -- ContextAssembler ---------------------------------------------------
    COMPETITIVE_SUPPRESSION_SIGNAL = 0.3
    DEFAULT_SURFACING_THRESHOLD = 0.5

    # -- PredictionLedger ---------------------------------------------------
    PL_CONFIDENCE_ERROR_THRESHOLD = 0.7
    PL_CONFIDENCE_LOW_SIGNAL = 0.2
    PL_AUTO_RESOLVE_ACTED = 0.1
    PL_AUTO_RESOLVE_DISMISSED = 0.5
    PL_AUTO_RESOLVE_CONTRADICTED = 0.9
    PL_AUTO_RESOLVE_USED = 0.3

    # -- PolicyCache --------------------------------------------------------
    MIN_EVENTS_FOR_CRYSTALLIZATION = 3
    WILSON_CI_THRESHOLD = 0.6
    TD_ALPHA = 0.1
    TD_GAMMA = 0.95
    CHI_SQUARED_P_THRESHOLD = 0.05  # never read: discovery uses a fixed critical value
    INITIAL_CYCLE_AMPLITUDE = 0.5

    # -- Lifecycle (not modelled) -------------------------------------------
    LIFECYCLE_ARCHIVE_AFTER_DAYS = 90
    DEFAULT_MEMORY_MAX_RECORDS_PER_AGENT = 10_000
    EXTRACTION_MODEL = "small"
