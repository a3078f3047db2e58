//! The checked-in JSON Schema of the configuration file is current.

use ocean_gateway::config::GatewayConfig;

#[test]
fn schema_is_current() {
    let schema = serde_json::to_string_pretty(&GatewayConfig::json_schema()).unwrap() + "\n";
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("gateway-config.schema.json");
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &schema).unwrap();
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == schema,
        "gateway-config.schema.json is stale: rerun with UPDATE_SCHEMA=1"
    );
}
