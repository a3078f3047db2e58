//! eForms ([`Form`]): a QuestionnaireResponse with every item flattened, hidden items marked and
//! answers as text.

use std::borrow::Cow;
use std::fmt;

use ocean_model::{
    AnswerValue, OceanBase, OceanNamingSystem, QuestionnaireResponse, QuestionnaireResponseAnswer,
    QuestionnaireResponseItem,
};

use ocean_model::text::plain_text;

use crate::ext;
use crate::message::Message;

/// An eForm: a QuestionnaireResponse.
#[derive(Clone, Copy)]
pub struct Form<'m> {
    pub(crate) qr: &'m QuestionnaireResponse,
    pub(crate) m: &'m Message,
}

impl fmt::Debug for Form<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Form")
            .field("items", &self.qr.item.len())
            .finish_non_exhaustive()
    }
}

impl<'m> Form<'m> {
    /// The QuestionnaireResponse.
    pub fn response(&self) -> &'m QuestionnaireResponse {
        self.qr
    }

    /// The Ocean eForm reference (`id-form-reference` identifier value, e.g. `quickReferral`).
    pub fn form_id(&self) -> Option<&'m str> {
        let id = self.qr.identifier.as_ref()?;
        let system = id.system.as_ref()?.as_str();
        matches!(
            OceanBase::parse_naming_system(system),
            Some((_, OceanNamingSystem::FormReference))
        )
        .then_some(id.value.as_deref())
        .flatten()
    }

    /// Whether the form's subject is the referral's patient (or it names none).
    pub fn is_about_patient(&self) -> bool {
        self.qr
            .subject
            .as_ref()
            .is_none_or(|s| self.m.resolve_index(s) == Some(self.m.patient_index()))
    }

    /// Every item, depth first in document order (nested items, including those under
    /// answers, follow their parent), with hidden items marked and each item's path (the
    /// `linkId`s from the top, joined by `/`).
    pub fn items(&self) -> Vec<FormItem<'m>> {
        let mut out = Vec::new();
        let mut stack: Vec<(&'m QuestionnaireResponseItem, usize, bool, String)> = self
            .qr
            .item
            .iter()
            .rev()
            .map(|item| (item, 0, false, String::new()))
            .collect();
        while let Some((item, depth, parent_hidden, parent)) = stack.pop() {
            let hidden = parent_hidden || is_hidden(item);
            let link_id = item.link_id.as_deref().unwrap_or_default();
            let path = if parent.is_empty() {
                link_id.to_owned()
            } else {
                format!("{parent}/{link_id}")
            };
            let nested = item
                .item
                .iter()
                .chain(item.answer.iter().flat_map(|a| a.item.iter()));
            let children: Vec<_> = nested
                .map(|c| (c, depth + 1, hidden, path.clone()))
                .collect();
            out.push(FormItem {
                item,
                depth,
                hidden,
                path,
            });
            stack.extend(children.into_iter().rev());
        }
        out
    }

    /// The items a person filled in or saw: the visible ones.
    pub fn visible_items(&self) -> Vec<FormItem<'m>> {
        self.items().into_iter().filter(|i| !i.hidden).collect()
    }
}

fn is_hidden(item: &QuestionnaireResponseItem) -> bool {
    item.extension.iter().any(|e| {
        e.url
            .as_ref()
            .is_some_and(|u| ext::is_item_visibility(u.as_str()))
            && e.value_str() == Some("hidden")
    })
}

/// One eForm item.
#[derive(Clone)]
pub struct FormItem<'m> {
    item: &'m QuestionnaireResponseItem,
    depth: usize,
    hidden: bool,
    path: String,
}

debug_view!(FormItem, depth, hidden);

impl<'m> FormItem<'m> {
    /// The item.
    pub fn item(&self) -> &'m QuestionnaireResponseItem {
        self.item
    }

    /// `linkId`.
    pub fn link_id(&self) -> Option<&'m str> {
        self.item.link_id.as_deref()
    }

    /// The question or group text (the eForm caption).
    pub fn text(&self) -> Option<&'m str> {
        self.item.text.as_deref()
    }

    /// The `linkId`s from the top-level item down to this one, joined by `/`
    /// (`history/hx`); a missing `linkId` is an empty segment.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// How deeply the item is nested (0 for a top-level item).
    pub fn depth(&self) -> usize {
        self.depth
    }

    /// Whether Ocean marked the item (or an item it is nested in) hidden.
    pub fn is_hidden(&self) -> bool {
        self.hidden
    }

    /// The answers.
    pub fn answers(&self) -> &'m [QuestionnaireResponseAnswer] {
        &self.item.answer
    }

    /// Each answer as text: strings as plain text ([`ocean_model::text::plain_text`] when they
    /// hold markup or character references), numbers and dates as written, booleans `true`/`false`,
    /// codings by display (else code), quantities as value and unit, references and attachments
    /// by their display or title (else URL).
    pub fn answer_texts(&self) -> Vec<Cow<'m, str>> {
        self.item
            .answer
            .iter()
            .filter_map(|a| a.value.as_ref().and_then(answer_text))
            .collect()
    }
}

fn answer_text(value: &AnswerValue) -> Option<Cow<'_, str>> {
    Some(match value {
        AnswerValue::Boolean(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
        AnswerValue::Decimal(d) => Cow::Borrowed(d.as_str()),
        AnswerValue::Integer(i) => Cow::Owned(i.to_string()),
        AnswerValue::Date(d) => Cow::Borrowed(d.as_str()),
        AnswerValue::DateTime(d) => Cow::Borrowed(d.as_str()),
        AnswerValue::Time(t) => Cow::Borrowed(t.as_str()),
        AnswerValue::String(s) if s.contains(['<', '&']) => Cow::Owned(plain_text(s)),
        AnswerValue::String(s) => Cow::Borrowed(s.as_str()),
        AnswerValue::Uri(u) => Cow::Borrowed(u.as_str()),
        AnswerValue::Attachment(a) => Cow::Borrowed(
            a.title
                .as_deref()
                .or_else(|| a.url.as_ref().map(|u| u.as_str()))?,
        ),
        AnswerValue::Coding(c) => Cow::Borrowed(
            c.display
                .as_deref()
                .or_else(|| c.code.as_ref().map(|c| c.as_str()))?,
        ),
        AnswerValue::Quantity(q) => {
            let value = q.value.as_ref()?.as_str();
            match q
                .unit
                .as_deref()
                .or_else(|| q.code.as_ref().map(|c| c.as_str()))
            {
                Some(unit) => Cow::Owned(format!("{value} {unit}")),
                None => Cow::Borrowed(value),
            }
        }
        AnswerValue::Reference(r) => {
            Cow::Borrowed(r.display.as_deref().or(r.reference.as_deref())?)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_with_markup_are_plain() {
        let s = |t: &str| AnswerValue::String(t.to_owned());
        let text = |v: &AnswerValue| answer_text(v).map(Cow::into_owned);
        assert_eq!(
            text(&s("<b>Back</b> pain&nbsp;")).as_deref(),
            Some("Back pain")
        );
        assert_eq!(
            text(&s("BP < 120 & rising")).as_deref(),
            Some("BP < 120 & rising")
        );
        assert_eq!(text(&s("plain")).as_deref(), Some("plain"));
    }
}
