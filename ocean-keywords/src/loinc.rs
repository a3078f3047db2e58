//! The seed LOINC table and the near-miss codes. Long common names are LOINC's (loinc.org); the
//! sources are listed in `ocean-keywords/LOINC.md`.

/// A LOINC code that a POS is likely to send for a concept Ocean reads under another code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NearMiss {
    /// The code a POS sends.
    pub code: &'static str,
    /// Its LOINC long common name.
    pub name: &'static str,
    /// The suffix of the keyword it is mistaken for (`cr` for 2160-0).
    pub suffix: &'static str,
    /// How it differs from the seed code (`serum or plasma, not blood`).
    pub why: &'static str,
}

/// (suffix, seed code, row name, LOINC long common name), in the seed's order (DRO integration
/// guide, "Ocean Keywords"). Two ketone codes could not be checked against a LOINC source.
pub(crate) const SEED: &[(&str, &str, &str, &str)] = &[
    ("ht", "8302-2", "Height", "Body height"),
    ("wt", "29463-7", "Weight", "Body weight"),
    ("bp", "35094-2", "Blood pressure", "Blood pressure panel"),
    (
        "cr",
        "38483-4",
        "Creatinine",
        "Creatinine [Mass/volume] in Blood",
    ),
    (
        "egfr",
        "45066-8",
        "Estimated GFR",
        "Creatinine and Glomerular filtration rate.predicted panel - Serum, Plasma or Blood",
    ),
    (
        "a1c",
        "59261-8",
        "A1C",
        "Hemoglobin A1c/Hemoglobin.total in Blood by IFCC protocol",
    ),
    (
        "acr",
        "32294-1",
        "Albumin to creatinine",
        "Albumin/Creatinine [Ratio] in Urine",
    ),
    (
        "fbs",
        "76629-5",
        "Fasting blood sugar",
        "Fasting glucose [Moles/volume] in Blood",
    ),
    (
        "tg",
        "12228-3",
        "Triglycerides",
        "Triglyceride [Mass/volume] in Body fluid",
    ),
    (
        "hdl",
        "2085-9",
        "HDL",
        "Cholesterol in HDL [Mass/volume] in Serum or Plasma",
    ),
    (
        "lldl",
        "2089-1",
        "LDL",
        "Cholesterol in LDL [Mass/volume] in Serum or Plasma",
    ),
    (
        "chol_hdl",
        "96589-7",
        "Total cholesterol/HDL",
        "Cholesterol.total/Cholesterol in HDL [Mass Ratio] in DBS",
    ),
    (
        "gtt",
        "72171-2",
        "Glucose tolerance test",
        "Glucose tolerance 4 hours panel - Serum or Plasma",
    ),
    ("s_ketones", "33058-9", "Serum ketones", "(not verified)"),
    ("u_ketones", "22702-5", "Urine ketones", "(not verified)"),
    ("na", "2947-0", "Sodium", "Sodium [Moles/volume] in Blood"),
    (
        "k",
        "6298-4",
        "Potassium",
        "Potassium [Moles/volume] in Blood",
    ),
    (
        "co2",
        "20565-8",
        "Carbon dioxide",
        "Carbon dioxide, total [Moles/volume] in Blood",
    ),
];

/// LOINC 8480-6, systolic blood pressure (a component of the BP panel).
pub(crate) const SYSTOLIC: &str = "8480-6";
/// LOINC 8462-4, diastolic blood pressure (a component of the BP panel).
pub(crate) const DIASTOLIC: &str = "8462-4";

macro_rules! near {
    ($($code:literal $suffix:literal $why:literal $name:literal;)*) => {
        &[$(NearMiss { code: $code, suffix: $suffix, why: $why, name: $name },)*]
    };
}

/// Codes a POS is likely to send for a concept Ocean reads under the seed code.
pub(crate) const NEAR_MISSES: &[NearMiss] = near! {
    "8306-3" "ht" "body position (lying length), not body height" "Body height --lying";
    "8308-9" "ht" "body position (standing)" "Body height --standing";
    "3137-7" "ht" "method-specific (measured)" "Body height Measured";
    "3138-5" "ht" "method-specific (self-reported)" "Body height Stated";
    "3141-9" "wt" "method-specific (measured)" "Body weight Measured";
    "3142-7" "wt" "method-specific (self-reported)" "Body weight Stated";
    "8335-2" "wt" "method-specific (estimated)" "Body weight Estimated";
    "75292-3" "wt" "usual weight, not a current measurement" "Body weight - Reported --usual";
    "85354-9" "bp" "the FHIR vital-signs and US Core panel code, not the seed panel" "Blood pressure panel with all children optional";
    "55284-4" "bp" "discouraged header term, not the seed panel" "Blood pressure systolic and diastolic";
    "8480-6" "bp" "systolic sent as its own Observation, not the panel" "Systolic blood pressure";
    "8462-4" "bp" "diastolic sent as its own Observation, not the panel" "Diastolic blood pressure";
    "2160-0" "cr" "serum or plasma, not blood" "Creatinine [Mass/volume] in Serum or Plasma";
    "14682-9" "cr" "serum or plasma in moles (the usual Canadian code), not blood" "Creatinine [Moles/volume] in Serum or Plasma";
    "59826-8" "cr" "moles, not mass" "Creatinine [Moles/volume] in Blood";
    "33914-3" "egfr" "an eGFR result (MDRD), not the creatinine and eGFR panel" "Glomerular filtration rate [Volume Rate/Area] in Serum or Plasma by Creatinine-based formula (MDRD)/1.73 sq M";
    "62238-1" "egfr" "an eGFR result (CKD-EPI), not the creatinine and eGFR panel" "Glomerular filtration rate [Volume Rate/Area] in Serum, Plasma or Blood by Creatinine-based formula (CKD-EPI)/1.73 sq M";
    "98979-8" "egfr" "an eGFR result (CKD-EPI 2021), not the creatinine and eGFR panel" "Glomerular filtration rate [Volume Rate/Area] in Serum, Plasma or Blood by Creatinine-based formula (CKD-EPI 2021)/1.73 sq M";
    "98980-6" "egfr" "an eGFR result (creatinine and cystatin C), not the creatinine and eGFR panel" "Glomerular filtration rate/1.73 sq M.predicted [Volume Rate/Area] in Serum, Plasma or Blood by Creatinine and Cystatin C-based formula (CKD-EPI 2021)";
    "48642-3" "egfr" "a race-specific eGFR result (legacy MDRD), not the panel" "Glomerular filtration rate [Volume Rate/Area] in Serum, Plasma or Blood by Creatinine-based formula (MDRD)/1.73 sq M among non black population";
    "48643-1" "egfr" "a race-specific eGFR result (legacy MDRD), not the panel" "Glomerular filtration rate/1.73 sq M.predicted among blacks [Volume Rate/Area] in Serum, Plasma or Blood by Creatinine-based formula (MDRD)";
    "50044-7" "egfr" "a sex-specific eGFR result (MDRD), not the panel" "Glomerular filtration rate [Volume Rate/Area] in Serum, Plasma or Blood by Creatinine-based formula (MDRD)/1.73 sq M among female population";
    "88293-6" "egfr" "a race-specific eGFR result (legacy CKD-EPI), not the panel" "Glomerular filtration rate/1.73 sq M.predicted among blacks [Volume Rate/Area] in Serum, Plasma or Blood by Creatinine-based formula (CKD-EPI)";
    "88294-4" "egfr" "a race-specific eGFR result (legacy CKD-EPI), not the panel" "Glomerular filtration rate/1.73 sq M.predicted among non-blacks [Volume Rate/Area] in Serum, Plasma or Blood by Creatinine-based formula (CKD-EPI)";
    "69405-9" "egfr" "an eGFR result (method unspecified), not the panel" "Glomerular filtration rate/1.73 sq M.predicted [Volume Rate/Area] in Serum, Plasma or Blood";
    "4548-4" "a1c" "NGSP percent (the usual North American code), not the IFCC protocol" "Hemoglobin A1c/Hemoglobin.total in Blood";
    "17856-6" "a1c" "method-specific (HPLC), not the IFCC protocol" "Hemoglobin A1c/Hemoglobin.total in Blood by HPLC";
    "4549-2" "a1c" "method-specific (electrophoresis), not the IFCC protocol" "Hemoglobin A1c/Hemoglobin.total in Blood by Electrophoresis";
    "9318-7" "acr" "mass ratio, not the unitless ratio" "Albumin/Creatinine [Mass Ratio] in Urine";
    "14959-1" "acr" "microalbumin method variant" "Microalbumin/Creatinine [Mass Ratio] in Urine";
    "13705-9" "acr" "24-hour urine, not a random sample" "Albumin/Creatinine [Mass Ratio] in 24 hour Urine";
    "14771-0" "fbs" "serum or plasma (the usual Canadian code), not blood" "Fasting glucose [Moles/volume] in Serum or Plasma";
    "1558-6" "fbs" "serum or plasma in mass units, not blood in moles" "Fasting glucose [Mass/volume] in Serum or Plasma";
    "1556-0" "fbs" "capillary blood in mass units" "Fasting glucose [Mass/volume] in Capillary blood";
    "14770-2" "fbs" "capillary blood by glucometer" "Fasting glucose [Moles/volume] in Capillary blood by Glucometer";
    "77145-1" "fbs" "serum, plasma or blood combined" "Fasting glucose [Moles/volume] in Serum, Plasma or Blood";
    "1557-8" "fbs" "venous blood in mass units" "Fasting glucose [Mass/volume] in Venous blood";
    "2571-8" "tg" "serum or plasma in mass units" "Triglyceride [Mass/volume] in Serum or Plasma";
    "14927-8" "tg" "serum or plasma in moles (the usual Canadian code)" "Triglyceride [Moles/volume] in Serum or Plasma";
    "3043-7" "tg" "whole blood" "Triglyceride [Mass/volume] in Blood";
    "70218-3" "tg" "whole blood in moles" "Triglyceride [Moles/volume] in Blood";
    "1644-4" "tg" "12-hour fasting qualified" "Triglyceride [Mass/volume] in Serum or Plasma --12 hours fasting";
    "14646-4" "hdl" "moles (the usual Canadian code), not mass" "Cholesterol in HDL [Moles/volume] in Serum or Plasma";
    "13457-7" "lldl" "calculated, not method-unspecified" "Cholesterol in LDL [Mass/volume] in Serum or Plasma by calculation";
    "18262-6" "lldl" "direct assay, not method-unspecified" "Cholesterol in LDL [Mass/volume] in Serum or Plasma by Direct assay";
    "22748-8" "lldl" "moles, not mass" "Cholesterol in LDL [Moles/volume] in Serum or Plasma";
    "39469-2" "lldl" "moles and calculated (the usual Canadian code)" "Cholesterol in LDL [Moles/volume] in Serum or Plasma by calculation";
    "69419-0" "lldl" "moles and direct assay" "Cholesterol in LDL [Moles/volume] in Serum or Plasma by Direct assay";
    "9830-1" "chol_hdl" "serum or plasma, not dried blood spot" "Cholesterol.total/Cholesterol in HDL [Mass Ratio] in Serum or Plasma";
    "32309-7" "chol_hdl" "serum or plasma molar ratio (the usual Canadian code), not dried blood spot" "Cholesterol.total/Cholesterol in HDL [Molar ratio] in Serum or Plasma";
    "1518-0" "gtt" "a single 2-hour 75 g result, not the 4-hour panel" "Glucose [Mass/volume] in Serum or Plasma --2 hours post 75 g glucose PO";
    "14995-5" "gtt" "a single 2-hour 75 g result in moles, not the 4-hour panel" "Glucose [Moles/volume] in Serum or Plasma --2 hours post 75 g glucose PO";
    "1504-0" "gtt" "the 50 g gestational challenge, not the 4-hour panel" "Glucose [Mass/volume] in Serum or Plasma --1 hour post 50 g glucose PO";
    "14754-6" "gtt" "the 50 g gestational challenge in moles, not the 4-hour panel" "Glucose [Moles/volume] in Serum or Plasma --1 hour post 50 g glucose PO";
    "1507-3" "gtt" "a single 1-hour 75 g result, not the 4-hour panel" "Glucose [Mass/volume] in Serum or Plasma --1 hour post 75 g glucose PO";
    "1501-6" "gtt" "a single 100 g result, not the 4-hour panel" "Glucose [Mass/volume] in Serum or Plasma --1 hour post 100 g glucose PO";
    "1514-9" "gtt" "a single 100 g result, not the 4-hour panel" "Glucose [Mass/volume] in Serum or Plasma --2 hours post 100 g glucose PO";
    "20437-0" "gtt" "a single 3-hour result, not the 4-hour panel" "Glucose [Mass/volume] in Serum or Plasma --3 hours post dose glucose";
    "50608-9" "gtt" "the 3-hour gestational panel, not the 4-hour panel" "Glucose tolerance 3 hours gestational panel - Serum or Plasma";
    "68955-4" "s_ketones" "whole-blood tablet presence test" "Ketones [Presence] in Blood by Tablet";
    "2514-8" "u_ketones" "dipstick presence" "Ketones [Presence] in Urine by Test strip";
    "5797-6" "u_ketones" "dipstick mass per volume" "Ketones [Mass/volume] in Urine by Test strip";
    "59158-6" "u_ketones" "automated test strip in moles" "Ketones [Moles/volume] in Urine by Automated test strip";
    "2951-2" "na" "serum or plasma (the usual lab code), not blood" "Sodium [Moles/volume] in Serum or Plasma";
    "77139-4" "na" "serum, plasma or blood combined" "Sodium [Moles/volume] in Serum, Plasma or Blood";
    "2823-3" "k" "serum or plasma (the usual lab code), not blood" "Potassium [Moles/volume] in Serum or Plasma";
    "77142-8" "k" "serum, plasma or blood combined" "Potassium [Moles/volume] in Serum, Plasma or Blood";
    "2028-9" "co2" "serum or plasma (the usual lab code), not blood" "Carbon dioxide, total [Moles/volume] in Serum or Plasma";
    "1963-8" "co2" "bicarbonate in serum or plasma, not total CO2 in blood" "Bicarbonate [Moles/volume] in Serum or Plasma";
    "1959-6" "co2" "bicarbonate, not total CO2" "Bicarbonate [Moles/volume] in Blood";
};
