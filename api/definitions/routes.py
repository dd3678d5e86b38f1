"""Deploy diagrams and read them back."""
from __future__ import annotations

from flask import Response

from api.auth import current_engine, current_user
from api.common import Blueprint, multipart
from api.definitions.schemas import DefinitionSchema, UploadSchema, VersionQuerySchema
from api.uploads import uploaded_file

blp = Blueprint("definitions", __name__, url_prefix="/api/v1/process-definitions",
                description="BPMN process definitions and their versions")


@blp.route("", methods=["GET"])
@blp.response(200, DefinitionSchema(many=True))
@blp.errors()
def list_definitions():
    """The latest version of every process."""
    return current_engine().definitions()


@blp.route("", methods=["POST"])
@blp.arguments(UploadSchema, location="files")
@blp.alt_response(201, schema=DefinitionSchema, description="A new version was deployed", success=True)
@blp.alt_response(200, schema=DefinitionSchema, description="Identical content: the existing version", success=True)
@blp.errors(400, 403, 413, 415, 422)
@multipart
def deploy(_files):
    """Deploy a BPMN file (groups analysts and admins): 201 for a new version, 200 when the
    content is identical to the latest one, 400 naming the line or element when invalid."""
    content, _name = uploaded_file()
    view = current_engine().deploy(content, current_user())
    return DefinitionSchema().dump(view), 201 if view.created else 200


@blp.route("/<key>/versions", methods=["GET"])
@blp.response(200, DefinitionSchema(many=True))
@blp.errors(404)
def versions(key):
    """Every version of one process, oldest first."""
    return current_engine().definition_versions(key)


@blp.route("/<key>/bpmn", methods=["GET"])
@blp.arguments(VersionQuerySchema, location="query")
@blp.alt_response(200, description="The BPMN XML as deployed", success=True,
                  content_type="application/xml")
@blp.errors(404, 422)
def bpmn(args, key):
    """The BPMN XML of the latest version, or of ``version``."""
    view, xml = current_engine().definition_xml(key, args["version"])
    return Response(xml, mimetype="application/xml",
                    headers={"X-Definition-Version": str(view.version)})
