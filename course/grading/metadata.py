"""nbgrader's check of the cells' grading metadata, with its JSON schema compiled once per grading process.

nbgrader validates every cell's ``nbgrader`` metadata with ``jsonschema.validate``, which checks the schema itself
again on every call: about 0.15 s of a submission's processor time, twice per notebook. Here the same schema,
the same checks and the same errors, with the validator built once (docs/performance.md).
"""

import functools
import traceback

import jsonschema
from jsonschema.exceptions import best_match
from nbgrader.nbgraderformat import MetadataValidator, ValidationError
from nbgrader.nbgraderformat.common import BaseMetadataValidator, SchemaTooNewError, SchemaTooOldError
from nbgrader.preprocessors import CheckCellMetadata


class _SchemaCompiledOnce(BaseMetadataValidator):
    """The version checks of nbgrader's BaseMetadataValidator.validate_cell, then one compiled validator."""

    def validate_cell(self, cell) -> None:
        if "nbgrader" not in cell.metadata:
            return
        schema = cell.metadata["nbgrader"].get("schema_version", 0)
        if schema < self.schema_version:
            raise SchemaTooOldError(
                f"Outdated schema version: {schema} (expected {self.schema_version})", schema, self.schema_version
            )
        if schema > self.schema_version:
            raise SchemaTooNewError(
                f"Schema version is too new: {schema} (expected {self.schema_version})", schema, self.schema_version
            )
        error = best_match(self._compiled.iter_errors(cell.metadata["nbgrader"]))
        if error is not None:
            raise error


class _Validator(MetadataValidator, _SchemaCompiledOnce):
    """nbgrader's current metadata validator; its call to the base class's validate_cell lands in the one above."""

    def __init__(self):
        super().__init__()
        kind = jsonschema.validators.validator_for(self.schema)
        kind.check_schema(self.schema)
        self._compiled = kind(self.schema)


@functools.cache
def validator() -> _Validator:
    return _Validator()


class CheckCellMetadataOnce(CheckCellMetadata):
    """nbgrader's CheckCellMetadata (the same log lines and error) with the validator above."""

    def preprocess(self, nb, resources):
        try:
            validator().validate_nb(nb)
        except ValidationError as exc:
            self.log.error(traceback.format_exc())
            msg = "Notebook failed to validate; the nbgrader metadata may be corrupted."
            self.log.error(msg)
            raise ValidationError(msg) from exc
        return nb, resources
