//! `ocean completions`.

use crate::common::*;

#[test]
fn the_bash_script_completes_every_subcommand() {
    let out = ocean().args(["completions", "bash"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let script = String::from_utf8(out.stdout).unwrap();
    // The subcommands as `ocean help` lists them, so a new one cannot be forgotten here.
    let help = ocean().arg("help").output().unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    let listed: Vec<&str> = help
        .split("Commands:")
        .nth(1)
        .unwrap()
        .lines()
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    for name in [
        "keywords",
        "validate",
        "receive",
        "send",
        "match",
        "worksheet",
        "smart",
        "gen",
        "serve",
        "sim",
        "completions",
    ] {
        assert!(listed.contains(&name), "`ocean help` lists {name}");
    }
    for name in listed {
        // clap_complete's bash script switches to each subcommand's own completions.
        assert!(
            script.contains(&format!("ocean,{name})"))
                && script.contains(&format!("cmd=\"ocean__subcmd__{name}\"")),
            "the bash script does not complete `{name}`"
        );
    }
}

#[test]
fn zsh_and_fish_scripts_are_generated() {
    for shell in ["zsh", "fish"] {
        let out = ocean().args(["completions", shell]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{shell}");
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("keywords"),
            "{shell}"
        );
    }
}
