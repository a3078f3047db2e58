//! Demographics: the first valid Patient's name, birth date, gender, health number, address,
//! phones and email, and what is missing from them.

use super::findings::{Acc, LocRef};
use super::{Engine, non_empty};
use crate::output::{AddressInfo, Demographics, FindingCode, HealthNumberInfo, Phones, Severity};
use ocean_model::Patient;
use ocean_model::identifiers::HealthNumber;
use std::collections::BTreeSet;

impl Engine<'_> {
    /// A Patient: the first one gives the demographics; later ones are only counted.
    pub(super) fn patient(&mut self, p: &Patient, loc: LocRef<'_>) {
        self.patients += 1;
        if self.patient.is_some() {
            return;
        }
        let name = ocean_model::HumanName::choose(&p.name);
        let strings = |v: &[String]| -> Vec<String> {
            v.iter().filter(|s| !s.trim().is_empty()).cloned().collect()
        };
        let mut d = Demographics {
            family: name
                .and_then(|n| non_empty(n.family.as_deref()))
                .map(str::to_owned),
            given: name.map(|n| strings(&n.given)).unwrap_or_default(),
            prefix: name.map(|n| strings(&n.prefix)).unwrap_or_default(),
            suffix: name.map(|n| strings(&n.suffix)).unwrap_or_default(),
            birth_date: p
                .birth_date
                .as_ref()
                .and_then(|b| non_empty(Some(b.as_str())))
                .map(str::to_owned),
            gender: p
                .gender
                .as_ref()
                .and_then(|g| non_empty(Some(g.as_str())))
                .map(str::to_owned),
            health_number: HealthNumber::find(&p.identifier).map(|h| HealthNumberInfo {
                value: h.value().to_owned(),
                version_code: non_empty(h.version_code()).map(str::to_owned),
                province: h.province().map(|p| p.code().to_owned()),
                system: h.system().map(str::to_owned),
            }),
            address: p
                .address
                .iter()
                .find(|a| a.use_.as_ref().is_some_and(|u| u.as_str() == "home"))
                .or_else(|| p.address.first())
                .map(|a| AddressInfo {
                    line: strings(&a.line),
                    city: non_empty(a.city.as_deref()).map(str::to_owned),
                    state: non_empty(a.state.as_deref()).map(str::to_owned),
                    postal_code: non_empty(a.postal_code.as_deref()).map(str::to_owned),
                    country: non_empty(a.country.as_deref()).map(str::to_owned),
                })
                // An address with nothing to show (only `use`/`type`, as in Ocean's test
                // patients) counts as absent.
                .filter(|a| *a != AddressInfo::default()),
            phones: Phones::default(),
            email: None,
        };
        let mut phone_without_use = false;
        for t in &p.telecom {
            let Some(value) = non_empty(t.value.as_deref()) else {
                continue;
            };
            match t.system.as_ref().map(|s| s.as_str()) {
                Some("phone") => {
                    let slot = match t.use_.as_ref().map(|u| u.as_str()) {
                        Some("mobile") => &mut d.phones.mobile,
                        Some("home") => &mut d.phones.home,
                        Some("work") => &mut d.phones.work,
                        _ => {
                            phone_without_use = true;
                            continue;
                        }
                    };
                    if slot.is_none() {
                        *slot = Some(value.to_owned());
                    }
                }
                Some("email") if d.email.is_none() => d.email = Some(value.to_owned()),
                _ => {}
            }
        }
        if phone_without_use {
            self.note(
                (FindingCode::PhoneNoUse, "", 0),
                Severity::Information,
                Some(loc),
                || "A Patient phone number has no use mobile, home or work, so Ocean does not place it.".to_owned(),
            );
        }
        self.patient_first = Some(loc.owned());
        self.patient = Some((d, loc.key()));
    }

    /// The demographic pane, with findings for more than one Patient and for each missing part.
    pub(super) fn finish_demographics(
        &mut self,
        kept: &mut BTreeSet<(usize, usize)>,
    ) -> Option<Demographics> {
        match self.patient.take() {
            Some((d, key)) => {
                kept.extend(key);
                if self.patients > 1 {
                    let first = self.patient_first.clone();
                    let n = self.patients;
                    self.findings.insert(
                        (FindingCode::MultiplePatients, "", 0),
                        Acc {
                            severity: Severity::Warning,
                            message: format!("{n} Patient resources: Ocean's demographic pane uses the first readable one."),
                            first,
                            count: 1,
                            row: None,
                        },
                    );
                }
                let missing = [
                    ("name", d.family.is_none() && d.given.is_empty()),
                    ("birthDate", d.birth_date.is_none()),
                    ("gender", d.gender.is_none()),
                    ("health number", d.health_number.is_none()),
                    ("address", d.address.is_none()),
                    ("phone", d.phones == Phones::default()),
                    ("email", d.email.is_none()),
                ];
                for (field, absent) in missing {
                    if absent {
                        let first = self.patient_first.clone();
                        self.findings.insert(
                            (FindingCode::MissingDemographic, field, 0),
                            Acc {
                                severity: Severity::Information,
                                message: format!("The Patient has no {field}; Ocean's demographic pane leaves it empty."),
                                first,
                                count: 1,
                                row: None,
                            },
                        );
                    }
                }
                Some(d)
            }
            None => {
                self.note(
                    (FindingCode::MissingPatient, "", 0),
                    Severity::Warning,
                    None,
                    || {
                        "No readable Patient resource: Ocean's demographic pane stays empty."
                            .to_owned()
                    },
                );
                None
            }
        }
    }
}
