//! The JSON Schemas of `--json` outputs, checked in under `ocean-cli/schemas/` and kept current
//! by a test (`UPDATE_SCHEMAS=1 cargo test -p ocean-cli schema` rewrites them).

/// Each schema's file name under `ocean-cli/schemas/` and the schema.
#[cfg(test)]
pub(crate) fn all() -> Vec<(&'static str, serde_json::Value)> {
    fn of<T: schemars::JsonSchema>() -> serde_json::Value {
        serde_json::to_value(schemars::schema_for!(T)).unwrap_or_default()
    }
    vec![
        ("validate.schema.json", of::<crate::cmd::validate::Report>()),
        ("send.schema.json", of::<crate::cmd::send::Report>()),
        (
            "match.schema.json",
            of::<crate::cmd::patient_match::Report>(),
        ),
        (
            "worksheet.schema.json",
            of::<crate::cmd::worksheet::Report>(),
        ),
        (
            "worksheet-mapping.schema.json",
            of::<crate::cmd::worksheet::Mapping>(),
        ),
        (
            "smart-launch.schema.json",
            of::<crate::cmd::smart::LaunchReport>(),
        ),
        (
            "smart-discovery.schema.json",
            of::<crate::cmd::smart::DiscoveryReport>(),
        ),
        ("gen.schema.json", of::<crate::cmd::generate::Written>()),
        #[cfg(feature = "serve")]
        ("serve.schema.json", of::<crate::cmd::serve::Ready>()),
    ]
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    #[test]
    fn schemas_are_current() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas");
        for (name, schema) in super::all() {
            let path = dir.join(name);
            let text = serde_json::to_string_pretty(&schema).unwrap() + "\n";
            if std::env::var_os("UPDATE_SCHEMAS").is_some() {
                std::fs::write(&path, &text).unwrap();
            }
            let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
            assert_eq!(
                on_disk, text,
                "{name} is stale: rerun with UPDATE_SCHEMAS=1"
            );
        }
    }
}
