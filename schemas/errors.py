"""modstream's one error hierarchy; library errors are translated into it at each boundary.

::

    ModstreamError                 root: catch this to catch anything modstream raises on purpose
    ├── SchemaError                a schema file or the registry manifest is wrong, or a subject is unknown
    ├── EncodeError                a model could not be written as Avro
    ├── DecodeError                bytes off the wire could not be turned into a model
    │   ├── MalformedMessage       too short, bad magic byte, truncated or garbage Avro body
    │   ├── UnknownSchemaId        the header names a schema id the registry does not hold
    │   ├── UnexpectedSchema       a different subject than the caller expected, or one with no model
    │   └── InvalidEvent           the Avro decoded but the record fails model validation
    ├── DetectorError              a detector failed to load or to score
    │                              (subclasses: detectors/errors.py, detectors/images/errors.py)
    ├── ImageError                 an image could not be fetched or read (detectors/images/errors.py)
    ├── DeliveryError              a record could not be produced to or committed on the broker
    ├── BrokerError                the embedded broker or topic admin failed (ops/broker.py,
    │                              ops/kafka_admin.py: BrokerUnreachable, TopicError)
    ├── PolicyError                the escalation policy file is invalid (streams/escalation.py)
    └── OversizedInput             a prompt is longer than the worker accepts (streams/pipeline.py)

Subclasses live next to the code that raises them, each module's docstring drawing its part.

Messages name the schema id, subject, byte length and the library's error class; they never
carry prompt text or payload bytes, so they are safe to log and to put in a dead letter.
Library errors are chained (``raise ... from exc``) for debugging, not copied into the message.
"""

from __future__ import annotations

__all__ = [
    "DecodeError",
    "DeliveryError",
    "DetectorError",
    "EncodeError",
    "ImageError",
    "InvalidEvent",
    "MalformedMessage",
    "ModstreamError",
    "SchemaError",
    "UnexpectedSchema",
    "UnknownSchemaId",
]


class ModstreamError(Exception):
    """Root of every error modstream raises on purpose."""


class SchemaError(ModstreamError):
    """A schema file or the registry manifest is wrong, or a subject or version is unknown."""


class EncodeError(ModstreamError):
    """A model could not be written as Avro under its registered schema."""


class DecodeError(ModstreamError):
    """Bytes off the wire could not be turned into a model; the message belongs in a dead letter."""


class MalformedMessage(DecodeError):
    """Not a Confluent-framed Avro record: too short, bad magic byte, truncated or garbage body."""


class UnknownSchemaId(DecodeError):
    """The header names a schema id the registry does not hold."""


class UnexpectedSchema(DecodeError):
    """The record is of a different subject than the caller expected, or of one with no model."""


class InvalidEvent(DecodeError):
    """The Avro body decoded, but the record fails the model's validation."""


class DetectorError(ModstreamError):
    """A detector failed to load its assets or to score an item."""


class ImageError(ModstreamError):
    """An image could not be fetched or read."""


class DeliveryError(ModstreamError):
    """A record could not be produced to, or committed on, the broker."""
