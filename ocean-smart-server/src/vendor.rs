//! What the vendor plugs in: who the user is ([`UserAuthenticator`]) and the patient's data
//! ([`PatientSource`]), with ready implementations for tests and the example
//! ([`AutoSignIn`], [`BundleSource`]).

use std::borrow::Cow;
use std::pin::Pin;

use axum::http::request::Parts;
use axum::response::Response;
use bytes::Bytes;
use futures_core::Stream;
use ocean_smart::LaunchContext;
use ocean_smart::everything::EverythingParams;
use ocean_smart::launch::FhirUser;
use serde_json::value::RawValue;

use crate::secrets::hash_token;
use crate::store::BoxFuture;

/// The signed-in POS user, as the vendor's authentication reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthenticatedUser {
    /// The id token `sub`: stable for this user and never reassigned (Ocean links its own
    /// account to `sub@iss` at the first launch). At most 255 ASCII characters. Not a name or
    /// an email address, which change.
    pub subject: String,
    /// The user's FHIR resource (`Practitioner/{id}`): must be the user the launch was made
    /// for, or the authorization is refused (`access_denied`).
    pub fhir_user: FhirUser,
}

/// What the vendor's authentication decided for an authorization request.
#[derive(Debug)]
pub enum AuthOutcome {
    /// The user is signed in.
    SignedIn(AuthenticatedUser),
    /// Answer with this response instead, e.g. a redirect to the POS sign-in page that comes
    /// back to the same authorization URL afterwards. The launch stays usable until it
    /// expires: it is consumed only when a code is issued.
    Respond(Response),
    /// The user may not authorize Ocean: Ocean is told `access_denied`.
    Denied,
}

/// The vendor's user authentication at the authorization endpoint. The user clicked "Launch
/// Ocean" in the POS moments ago, so normally the POS session cookie in `request` already says
/// who they are.
pub trait UserAuthenticator: Send + Sync + 'static {
    /// Who is making this authorization request for `launch`.
    fn authenticate<'a>(
        &'a self,
        request: &'a Parts,
        launch: &'a LaunchContext,
    ) -> BoxFuture<'a, AuthOutcome>;
}

/// Signs in the launch's own user, with `sub` = [`subject_for`] its absolute FHIR URL. For
/// tests and the example only: it trusts whoever holds the launch id.
#[derive(Debug, Clone)]
pub struct AutoSignIn {
    fhir_base: String,
}

impl AutoSignIn {
    /// For the server with this FHIR base URL.
    pub fn new(fhir_base: impl Into<String>) -> Self {
        Self {
            fhir_base: fhir_base.into(),
        }
    }
}

/// A stable subject derived from a user's absolute FHIR URL: lowercase hex SHA-256, as
/// OceanMD's sample server does. Stable as long as the URL is.
pub fn subject_for(fhir_user_url: &str) -> String {
    hash_token(fhir_user_url)
}

impl UserAuthenticator for AutoSignIn {
    fn authenticate<'a>(
        &'a self,
        _request: &'a Parts,
        launch: &'a LaunchContext,
    ) -> BoxFuture<'a, AuthOutcome> {
        let user = launch.user().clone();
        let subject = subject_for(&user.absolute(&self.fhir_base));
        Box::pin(async move {
            AuthOutcome::SignedIn(AuthenticatedUser {
                subject,
                fhir_user: user,
            })
        })
    }
}

/// Why the vendor's source failed. The message must name no patient data (it is logged).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("patient source: {0}")]
pub struct SourceError(pub Cow<'static, str>);

/// One resource as the source yields it. `Debug` shows the size, not the content.
#[derive(Clone, PartialEq, Eq)]
pub struct SourceItem {
    /// The resource's JSON: one complete object with `resourceType`.
    pub json: Bytes,
    /// The entry's `fullUrl` when the resource has a canonical one that references use
    /// (e.g. `urn:uuid:…` in a stored Bundle); `None` writes `{FHIR base}/{type}/{id}`.
    pub full_url: Option<String>,
}

impl std::fmt::Debug for SourceItem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SourceItem")
            .field("json_bytes", &self.json.len())
            .field("full_url", &self.full_url)
            .finish()
    }
}

impl From<Bytes> for SourceItem {
    fn from(json: Bytes) -> Self {
        Self {
            json,
            full_url: None,
        }
    }
}

/// The patient's resources, in the order they are written.
pub type ResourceStream = Pin<Box<dyn Stream<Item = Result<SourceItem, SourceError>> + Send>>;

/// The vendor's patient data, for `GET Patient/{id}` and `GET Patient/{id}/$everything`.
///
/// Rules:
/// - [`PatientSource::everything`] yields the Patient first, then the patient's other
///   resources, each one complete JSON object. The server checks the first item and refuses
///   to answer (HTTP 500, logged) when it is not this Patient.
/// - The server re-applies `_type` and `_since` and the token's scopes to each item, so a
///   source may ignore them; `start` and `end` (the care period) only the source can apply,
///   since which date of a resource counts is the POS's rule.
/// - The stream is read as the response is written: a source that reads its database row by
///   row keeps memory flat whatever the patient's size.
pub trait PatientSource: Send + Sync + 'static {
    /// The Patient resource, or `None` if unknown.
    fn patient<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Option<Bytes>, SourceError>>;

    /// The patient's resources, Patient first, or `None` if the patient is unknown.
    fn everything<'a>(
        &'a self,
        id: &'a str,
        params: &'a EverythingParams,
    ) -> BoxFuture<'a, Result<Option<ResourceStream>, SourceError>>;

    /// The Practitioner resource of a launching user (`fhirUser`), which Ocean's client may
    /// read (it asks for `user/Practitioner.read`). Default: none (`404`).
    fn practitioner<'a>(
        &'a self,
        id: &'a str,
    ) -> BoxFuture<'a, Result<Option<Bytes>, SourceError>> {
        let _ = id;
        Box::pin(async { Ok(None) })
    }
}

/// A [`PatientSource`] over one patient's `$everything` Bundle held in memory (e.g.
/// `ocean_keywords::SAMPLE_BUNDLE`): the Bundle's first Patient is the patient; every other
/// entry is theirs. Entries keep their `fullUrl`. `Debug` shows the id and counts only.
#[derive(Clone)]
pub struct BundleSource {
    patient_id: String,
    patient: SourceItem,
    others: std::sync::Arc<Vec<SourceItem>>,
}

impl std::fmt::Debug for BundleSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BundleSource")
            .field("patient_id", &self.patient_id)
            .field("resources", &(self.others.len() + 1))
            .finish()
    }
}

#[derive(serde::Deserialize)]
struct BundleShape<'a> {
    #[serde(borrow, default)]
    entry: Vec<EntryShape<'a>>,
}

#[derive(serde::Deserialize)]
struct EntryShape<'a> {
    #[serde(borrow)]
    resource: Option<&'a RawValue>,
    #[serde(rename = "fullUrl", default)]
    full_url: Option<String>,
}

/// Why a Bundle cannot back a [`BundleSource`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BundleSourceError {
    /// Not a JSON Bundle.
    #[error("not a JSON Bundle")]
    NotABundle,
    /// No Patient entry with an id.
    #[error("no Patient with an id in the Bundle")]
    NoPatient,
}

impl BundleSource {
    /// Reads the Bundle.
    pub fn from_json(bundle: &str) -> Result<Self, BundleSourceError> {
        let shape: BundleShape<'_> =
            serde_json::from_str(bundle).map_err(|_| BundleSourceError::NotABundle)?;
        let mut patient = None;
        let mut others = Vec::new();
        for (r, full_url) in shape
            .entry
            .into_iter()
            .filter_map(|e| Some((e.resource?, e.full_url)))
        {
            let head = crate::head::ResourceHead::read(r.get().as_bytes());
            let bytes = SourceItem {
                json: Bytes::copy_from_slice(r.get().as_bytes()),
                full_url,
            };
            match head {
                Some(h) if patient.is_none() && h.resource_type == "Patient" => {
                    if let Some(id) = h.id {
                        patient = Some((id.into_owned(), bytes));
                        continue;
                    }
                    others.push(bytes);
                }
                _ => others.push(bytes),
            }
        }
        let (patient_id, patient) = patient.ok_or(BundleSourceError::NoPatient)?;
        Ok(Self {
            patient_id,
            patient,
            others: std::sync::Arc::new(others),
        })
    }

    /// The patient's id.
    pub fn patient_id(&self) -> &str {
        &self.patient_id
    }
}

impl PatientSource for BundleSource {
    fn patient<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Option<Bytes>, SourceError>> {
        let found = (id == self.patient_id).then(|| self.patient.json.clone());
        Box::pin(async move { Ok(found) })
    }

    fn everything<'a>(
        &'a self,
        id: &'a str,
        _params: &'a EverythingParams,
    ) -> BoxFuture<'a, Result<Option<ResourceStream>, SourceError>> {
        let out = (id == self.patient_id).then(|| {
            let others = self.others.clone();
            let items = std::iter::once(self.patient.clone())
                .chain((0..others.len()).filter_map(move |i| others.get(i).cloned()))
                .map(Ok);
            Box::pin(futures_util::stream::iter(items)) as ResourceStream
        });
        Box::pin(async move { Ok(out) })
    }
}
