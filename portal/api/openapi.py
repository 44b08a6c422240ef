"""The OpenAPI 3.1 document of the label check API; tests validate every response against it."""
LABEL_STATUSES = ["geen", "geldig", "geschorst", "ingetrokken", "verlopen"]
PARTNER_STATUSES = ["geen", "aanvraag", "partner", "geweigerd", "geschorst", "beeindigd"]
# Same keys as portal.programme.standing.GROUPS.
PROGRAMME_STATUSES = ["label", "werkt_aan_label", "label_zonder_partnerschap", "geen"]

KVK_PATTERN = "^[0-9]{8}$"


HEADERS = {"ETag": {"$ref": "#/components/headers/ETag"},
           "Cache-Control": {"$ref": "#/components/headers/CacheControl"}}


def spec(server_url: str) -> dict:
    nullable_date = {"type": ["string", "null"], "format": "date"}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Labelcheck Ondernemen met impact Drechtsteden",
            "version": "1.1.0",
            "description": (
                "De status van het label Ondernemen met impact van een organisatie (op KvK-nummer) op een "
                "datum, voor inkoop- en aanbestedingssystemen. De status op datum D is de status aan het eind "
                "van die dag (Europe/Amsterdam)."
            ),
        },
        "servers": [{"url": server_url}],
        "paths": {
            "/labels/{kvk}": {
                "get": {
                    "operationId": "getLabel",
                    "summary": "Labelstatus van één organisatie",
                    "parameters": [
                        {"name": "kvk", "in": "path", "required": True,
                         "description": "KvK-nummer (8 cijfers; een ander formaat geeft 400)",
                         "schema": {"type": "string", "pattern": KVK_PATTERN}},
                        {"$ref": "#/components/parameters/date"},
                    ],
                    "responses": {
                        "200": {"description": "De labelstatus", "headers": HEADERS,
                                "content": {"application/json":
                                    {"schema": {"$ref": "#/components/schemas/LabelCheck"}}}},
                        "304": {"description": "Niet gewijzigd (If-None-Match)"},
                        "400": {"$ref": "#/components/responses/Error"},
                        "404": {"$ref": "#/components/responses/Error"},
                        "429": {"$ref": "#/components/responses/Error"},
                    },
                }
            },
            "/labels": {
                "get": {
                    "operationId": "getLabels",
                    "summary": "Labelstatus van een lijst organisaties (tot 100)",
                    "parameters": [
                        {"name": "kvk", "in": "query", "required": True, "style": "form", "explode": True,
                         "description": "KvK-nummers; herhaal de parameter per nummer",
                         "schema": {"type": "array", "items": {"type": "string", "pattern": KVK_PATTERN},
                                    "minItems": 1, "maxItems": 100}},
                        {"$ref": "#/components/parameters/date"},
                    ],
                    "responses": {
                        "200": {"description": "De gevonden organisaties en de onbekende nummers",
                                "headers": HEADERS,
                                "content": {"application/json":
                                    {"schema": {"$ref": "#/components/schemas/LabelCheckList"}}}},
                        "304": {"description": "Niet gewijzigd (If-None-Match)"},
                        "400": {"$ref": "#/components/responses/Error"},
                        "429": {"$ref": "#/components/responses/Error"},
                    },
                }
            },
        },
        "components": {
            "parameters": {
                "date": {"name": "date", "in": "query", "required": False,
                         "description": "Peildatum JJJJ-MM-DD; standaard vandaag",
                         "schema": {"type": "string", "format": "date"}},
            },
            "headers": {
                "ETag": {"description": "Versie van het antwoord, voor If-None-Match",
                         "schema": {"type": "string"}},
                "CacheControl": {"description": "Hoe lang het antwoord bewaard mag worden",
                                 "schema": {"type": "string"}},
            },
            "responses": {
                "Error": {"description": "Fout",
                          "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
            },
            "schemas": {
                "LabelCheck": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["kvk", "name", "partner_status", "date", "label_status", "certificate_number",
                                 "valid_from", "valid_until", "verification_url", "partner_on_date",
                                 "programme_status", "working_on_label"],
                    "properties": {
                        "kvk": {"type": "string", "pattern": KVK_PATTERN},
                        "name": {"type": "string"},
                        "partner_status": {"type": "string", "enum": PARTNER_STATUSES},
                        "date": {"type": "string", "format": "date"},
                        "label_status": {"type": "string", "enum": LABEL_STATUSES},
                        "certificate_number": {"type": ["string", "null"]},
                        "valid_from": nullable_date,
                        "valid_until": nullable_date,
                        "verification_url": {"type": ["string", "null"], "format": "uri"},
                        "partner_on_date": {
                            "type": "boolean",
                            "description": "Partner van St. MBO op de datum (partnerschap actief op die dag).",
                        },
                        "programme_status": {
                            "type": "string", "enum": list(PROGRAMME_STATUSES),
                            "description": "Hoe het programma de organisatie op de datum telt: label (partner met "
                                           "een geldig label), werkt_aan_label (elke andere partner), "
                                           "label_zonder_partnerschap (geldig label, geen partner) of geen.",
                        },
                        "working_on_label": {
                            "type": "boolean",
                            "description": "Partner, werkt aan het label: een partner zonder geldig label op de "
                                           "datum. Inkopers kunnen hier punten voor geven.",
                        },
                    },
                },
                "LabelCheckList": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["date", "results", "not_found"],
                    "properties": {
                        "date": {"type": "string", "format": "date"},
                        "results": {"type": "array", "items": {"$ref": "#/components/schemas/LabelCheck"}},
                        "not_found": {"type": "array", "items": {"type": "string", "pattern": KVK_PATTERN}},
                    },
                },
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {
                        "error": {
                            "type": "object",
                            "required": ["status", "message"],
                            "properties": {
                                "status": {"type": "integer"},
                                "message": {"type": "string"},
                                "invalid": {"type": "array", "items": {"type": "string"}},
                            },
                        }
                    },
                },
            },
        },
    }
