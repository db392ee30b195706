//! The OpenAPI 3.1 document, built from the same entity lists as the routes ([`api_entities!`],
//! [`api_children!`]) and from the entities' columns, with each column's nullability read from
//! the database schema (the same on both backends, which a store test proves). A snapshot test
//! keeps it from drifting unnoticed.

use axum::Json;
use axum::extract::State;
use renouveau_store::db::ColumnKind;
use renouveau_store::entity::Column;
use renouveau_store::schema::{self, Schema};
use renouveau_store::{Entity, query::MAX_PER_PAGE};
use serde_json::{Map, Value, json};

use crate::error::WebError;
use crate::state::AppState;

pub async fn document(State(state): State<AppState>) -> Result<Json<Value>, WebError> {
    let schema = schema::read(state.store.db()).await?;
    Ok(Json(build(&schema)))
}

pub fn build(schema: &Schema) -> Value {
    let mut paths = Map::new();
    let mut components = Map::new();
    components.insert("Problem".into(), problem_schema());
    macro_rules! entity {
        ($ty:ty, $path:literal, $label:literal) => {
            add_entity::<$ty>(schema, $path, $label, &mut paths, &mut components);
        };
    }
    crate::api_entities!(entity);
    macro_rules! children {
        ($parent:literal, $children:literal, $ty:ty, $column:literal) => {
            let parameters: Vec<Value> = std::iter::once(id_parameter())
                .chain(list_parameters::<$ty>())
                .collect();
            paths.insert(
                format!("/api/v1/{}/{{id}}/{}", $parent, $children),
                json!({"get": {
                    "operationId": format!("list_{}_{}", $parent, $children).replace('-', "_"),
                    "summary": format!("Liste des {} d'un élément de {}", $children, $parent),
                    "tags": [$parent],
                    "parameters": parameters,
                    "responses": list_responses::<$ty>(),
                }}),
            );
        };
    }
    crate::api_children!(children);
    paths.insert(
        "/healthz".into(),
        json!({"get": {
            "operationId": "health",
            "summary": "Répond quand la base de données répond",
            "responses": {
                "200": {"description": "Service disponible", "content": {"text/plain": {"schema": {"type": "string"}}}},
                "503": {"description": "Base de données injoignable", "content": {"text/plain": {"schema": {"type": "string"}}}}
            }
        }}),
    );
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "renouveau",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "API de pilotage et de suivi du programme. Lecture publique ; écriture avec un jeton (renouveau token create) dans l'en-tête Authorization: Bearer.",
            "license": {"name": "EUPL-1.2", "identifier": "EUPL-1.2"}
        },
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}
        }
    })
}

fn add_entity<E: Entity>(
    schema: &Schema,
    path: &str,
    label: &str,
    paths: &mut Map<String, Value>,
    components: &mut Map<String, Value>,
) {
    let name = type_name(E::TABLE);
    components.insert(name.clone(), values_schema::<E>(schema));
    components.insert(
        format!("{name}Record"),
        json!({"allOf": [{"$ref": "#/components/schemas/RecordMeta"}, {"$ref": format!("#/components/schemas/{name}")}],
               "unevaluatedProperties": false}),
    );
    components.insert("RecordMeta".into(), record_meta_schema());
    components.insert(
        format!("{name}Update"),
        json!({"allOf": [{"$ref": format!("#/components/schemas/{name}")},
                         {"type": "object", "required": ["version"], "properties": {"version": {"type": "integer", "minimum": 1}}}]}),
    );
    let record_ref = json!({"$ref": format!("#/components/schemas/{name}Record")});
    let tag = json!([path]);
    let ident = path.replace('-', "_");
    // What can be done with a record just created: followed by stateful API tests.
    let mut created = write_responses("201", &record_ref);
    created["201"]["links"] = ["get", "update", "archive"]
        .iter()
        .map(|action| {
            let link = json!({"operationId": format!("{action}_{ident}"),
                              "parameters": {"id": "$response.body#/id"}});
            (format!("{action}_{ident}"), link)
        })
        .collect::<Map<String, Value>>()
        .into();
    created["201"]["headers"] = json!({"Location": {
        "description": "L'adresse de l'enregistrement créé", "schema": {"type": "string"}}});
    paths.insert(
        format!("/api/v1/{path}"),
        json!({
            "get": {
                "operationId": format!("list_{ident}"), "summary": format!("{label} : liste"), "tags": tag,
                "parameters": list_parameters::<E>(),
                "responses": list_responses::<E>(),
            },
            "post": {
                "operationId": format!("create_{ident}"), "summary": format!("{label} : création"), "tags": tag,
                "security": [{"bearer": []}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{name}")}}}},
                "responses": created,
            }
        }),
    );
    paths.insert(
        format!("/api/v1/{path}/{{id}}"),
        json!({
            "get": {
                "operationId": format!("get_{ident}"), "summary": format!("{label} : fiche"), "tags": tag,
                "parameters": [id_parameter()],
                "responses": {
                    "200": {"description": "L'enregistrement", "content": {"application/json": {"schema": record_ref}}},
                    "400": problem_response("Identifiant incorrect"),
                    "404": problem_response("Introuvable"),
                    "503": problem_response("Base de données injoignable"),
                }
            },
            "put": {
                "operationId": format!("update_{ident}"), "summary": format!("{label} : modification (avec la version lue)"), "tags": tag,
                "security": [{"bearer": []}],
                "parameters": [id_parameter()],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{name}Update")}}}},
                "responses": write_responses("200", &record_ref),
            }
        }),
    );
    for (action, summary) in [("archive", "archivage"), ("restore", "restauration")] {
        let mut responses = write_responses("200", &record_ref);
        if action == "archive" {
            responses["200"]["links"] = json!({format!("restore_{ident}"): {
                "operationId": format!("restore_{ident}"), "parameters": {"id": "$response.body#/id"}}});
        }
        paths.insert(
            format!("/api/v1/{path}/{{id}}/{action}"),
            json!({"post": {
                "operationId": format!("{action}_{ident}"), "summary": format!("{label} : {summary}"), "tags": tag,
                "security": [{"bearer": []}],
                "parameters": [id_parameter()],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["version"], "properties": {"version": {"type": "integer", "minimum": 1}}}}}},
                "responses": responses,
            }}),
        );
    }
}

/// `convention_node` → `ConventionNode`.
fn type_name(table: &str) -> String {
    table
        .split('_')
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

fn kind_schema(kind: ColumnKind) -> Value {
    match kind {
        ColumnKind::Int => json!({"type": "integer"}),
        ColumnKind::Float => json!({"type": "number"}),
        ColumnKind::Text => json!({"type": "string"}),
        ColumnKind::Bool => json!({"type": "boolean"}),
        ColumnKind::Date => json!({"type": "string", "format": "date"}),
        ColumnKind::Timestamp => json!({"type": "string", "format": "date-time"}),
    }
}

/// A column's values: its kind, the codes allowed when it holds a closed vocabulary's code, and
/// what a money column counts.
fn column_schema<E: Entity>(column: &Column) -> Value {
    let mut schema = kind_schema(column.kind);
    if let Some(codes) = E::codes(column.name) {
        schema["enum"] = json!(codes);
    }
    if E::is_money(column.name) {
        schema = json!({
            "type": "integer",
            "format": "int64",
            "minimum": 0,
            "maximum": renouveau_domain::Amount::MAX_CENTS,
            "description": "Montant en centimes d'euro (entier)\u{a0}: 123456 vaut 1\u{a0}234,56\u{a0}€",
        });
    }
    schema
}

fn nullable(mut schema: Value) -> Value {
    if let Some(kind) = schema.get("type").cloned() {
        schema["type"] = json!([kind, "null"]);
    }
    if let Some(Value::Array(codes)) = schema.get_mut("enum") {
        codes.push(Value::Null);
    }
    schema
}

fn values_schema<E: Entity>(schema: &Schema) -> Value {
    let table = schema.tables.get(E::TABLE);
    let mut properties = Map::new();
    let mut required = Vec::new();
    for column in E::COLUMNS {
        let accepts_null = table
            .and_then(|t| t.columns.get(column.name))
            .copied()
            .unwrap_or(true);
        let property = column_schema::<E>(column);
        if accepts_null {
            properties.insert(column.name.into(), nullable(property));
        } else {
            properties.insert(column.name.into(), property);
            required.push(column.name);
        }
    }
    json!({"type": "object", "properties": properties, "required": required})
}

fn record_meta_schema() -> Value {
    json!({"type": "object",
    "required": ["id", "version", "created_at", "updated_at", "archived_at"],
    "properties": {
        "id": {"type": "integer"},
        "version": {"type": "integer", "minimum": 1},
        "created_at": {"type": "string", "format": "date-time"},
        "updated_at": {"type": "string", "format": "date-time"},
        "archived_at": {"type": ["string", "null"], "format": "date-time"}
    }})
}

fn problem_schema() -> Value {
    json!({"type": "object", "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"}, "title": {"type": "string"},
        "status": {"type": "integer"}, "detail": {"type": "string"},
        "field": {"type": "string"}
    }})
}

fn problem_response(description: &str) -> Value {
    json!({"description": description,
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}})
}

fn id_parameter() -> Value {
    json!({"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}})
}

fn list_parameters<E: Entity>() -> Vec<Value> {
    let mut parameters = vec![
        json!({"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}}),
        json!({"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
               "description": format!("Au plus {MAX_PER_PAGE}")}),
        json!({"name": "q", "in": "query", "schema": {"type": "string"}, "description": "Recherche dans le texte, sans égard aux majuscules ni aux accents\u{a0}; chaque mot doit y figurer"}),
        json!({"name": "sort", "in": "query", "schema": {"type": "string"}, "description": "Colonne de tri ; « -colonne » pour l'ordre décroissant"}),
        json!({"name": "archived", "in": "query", "schema": {"type": "boolean"}, "description": "Inclure les enregistrements archivés"}),
    ];
    if E::column("roles").is_some() {
        parameters.push(json!({"name": "role", "in": "query", "schema": {"type": "string"}, "description": "Un des rôles de l'organisation"}));
    }
    for column in E::COLUMNS {
        parameters.push(
            json!({"name": column.name, "in": "query", "schema": column_schema::<E>(column),
                               "description": "Égal à cette valeur"}),
        );
    }
    parameters
}

fn list_responses<E: Entity>() -> Value {
    let name = type_name(E::TABLE);
    json!({
        "200": {"description": "Une page de la liste", "content": {"application/json": {"schema": {
            "type": "object", "required": ["items", "total", "page", "per_page"],
            "properties": {
                "items": {"type": "array", "items": {"$ref": format!("#/components/schemas/{name}Record")}},
                "total": {"type": "integer", "minimum": 0},
                "page": {"type": "integer", "minimum": 1},
                "per_page": {"type": "integer", "minimum": 1}
            }}}}},
        "400": problem_response("Paramètre incorrect"),
        "503": problem_response("Base de données injoignable"),
    })
}

fn write_responses(success: &str, record: &Value) -> Value {
    json!({
        success: {"description": "L'enregistrement écrit", "content": {"application/json": {"schema": record}}},
        "400": problem_response("Requête illisible"),
        "401": problem_response("Connexion nécessaire"),
        "403": problem_response("Droits insuffisants"),
        "404": problem_response("Introuvable"),
        "409": problem_response("Modifié entre-temps : version périmée"),
        "413": problem_response("Corps trop volumineux (plus de 1 Mio)"),
        "422": problem_response("Valeur refusée par les règles du programme"),
        "503": problem_response("Base de données injoignable"),
    })
}
