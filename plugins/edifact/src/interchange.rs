//! The service segments that frame messages: UNB/UNZ interchanges, optional UNG/UNE groups and
//! UNH/UNT messages, with their control counts and references checked.
//!
//! [`read`] turns tokenized segments into [`Interchange`]s of [`Message`]s whose segments are
//! decoded text, each knowing its position within its message (UNH = 1) for located errors.
//! A message type this adapter does not map is refused as unsupported as soon as its UNH is
//! read, before anything else about it is judged. Count and reference mismatches are errors,
//! or warnings when the agreement sets `strict_counts=false` for a partner whose translator
//! miscounts; a UNT's refuses only its own message ([`Message::refused`]), UNE's and UNZ's the
//! whole interchange.

use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::error;

use crate::charset::Charset;
pub use crate::segment::{Context, Interchange, Message, MessageKind, Segment};
use crate::syntax::RawSegment;

/// Problems tolerated because the agreement asked for it.
pub type Warnings = Vec<AdapterError>;

fn located(
    kind: fn(String) -> AdapterError,
    message: String,
    context: &Context,
    segment: &Segment,
    element: Option<u32>,
    component: Option<u32>,
) -> AdapterError {
    kind(message).at_segment(context.locate(segment, element, component))
}

fn syntax(message: String) -> AdapterError {
    error::syntax(message)
}

/// Reads the interchanges of a whole file.
pub fn read(
    raw: &[RawSegment<'_>],
    strict_counts: bool,
) -> Result<(Vec<Interchange>, Warnings), AdapterError> {
    let mut reader = Reader {
        raw,
        at: 0,
        strict_counts,
        warnings: Vec::new(),
    };
    let mut interchanges = Vec::new();
    while reader.at < raw.len() {
        interchanges.push(reader.interchange()?);
    }
    if interchanges.is_empty() {
        return Err(error::syntax(
            "the file holds no EDIFACT interchange (no UNB segment)",
        ));
    }
    Ok((interchanges, reader.warnings))
}

struct Reader<'a> {
    raw: &'a [RawSegment<'a>],
    at: usize,
    strict_counts: bool,
    warnings: Warnings,
}

impl Reader<'_> {
    /// Decodes the next raw segment with `charset`, positioned `position`.
    fn next(
        &mut self,
        charset: Charset,
        position: Option<u32>,
        context: &Context,
    ) -> Result<Option<(Segment, char)>, AdapterError> {
        let Some(raw) = self.raw.get(self.at) else {
            return Ok(None);
        };
        self.at += 1;
        let position = position.unwrap_or(raw.file_position());
        let tag = raw.tag();
        let mut elements = Vec::with_capacity(raw.segment.len());
        for (e, element) in raw.segment.elements().enumerate().map(|(i, e)| (i + 1, e)) {
            let mut components = Vec::new();
            for (c, component) in element.components().enumerate() {
                let Some(text) = charset.decode(&component.unescaped()) else {
                    let segment = Segment {
                        tag,
                        elements: Vec::new(),
                        position,
                    };
                    return Err(located(
                        syntax,
                        "invalid UTF-8 in a UTF-8 interchange".to_owned(),
                        context,
                        &segment,
                        u32::try_from(e).ok(),
                        u32::try_from(c + 1).ok(),
                    ));
                };
                components.push(text);
            }
            elements.push(components);
        }
        let segment = Segment {
            tag,
            elements,
            position,
        };
        let valid_tag = segment.tag.len() == 3
            && segment
                .tag
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
        if !valid_tag {
            return Err(located(
                syntax,
                format!(
                    "{:?} is not a segment tag (three upper-case letters or digits)",
                    segment.tag
                ),
                context,
                &segment,
                None,
                None,
            ));
        }
        if !raw.terminated() {
            return Err(located(
                syntax,
                "the file ends inside this segment: it has no segment terminator (truncated?)"
                    .to_owned(),
                context,
                &segment,
                None,
                None,
            ));
        }
        Ok(Some((segment, raw.decimal)))
    }

    fn mismatch(&mut self, error: AdapterError) -> Result<(), AdapterError> {
        if self.strict_counts {
            Err(error)
        } else {
            self.warnings.push(error);
            Ok(())
        }
    }

    fn interchange(&mut self) -> Result<Interchange, AdapterError> {
        let outside = Context::default();
        let Some((unb, _)) = self.next(Charset::Latin1, None, &outside)? else {
            return Err(error::syntax("expected UNB"));
        };
        if unb.tag != "UNB" {
            return Err(located(
                syntax,
                format!("expected UNB to open an interchange, found {}", unb.tag),
                &outside,
                &unb,
                None,
                None,
            ));
        }
        let syntax_id = unb.text(1, 1).unwrap_or_default().to_owned();
        let charset = match Charset::from_syntax(&syntax_id) {
            Some(charset) => charset,
            None => {
                // IATA and national repertoires are close enough to Latin-1 to read the
                // message type and say precisely what is not handled.
                self.warnings.push(error::unsupported(format!("syntax identifier {syntax_id:?} is not UNOA, UNOB, UNOC, UNOW or UNOY; its text was read as Latin-1")).at_segment(outside.locate(&unb, Some(1), Some(1))));
                Charset::Latin1
            }
        };
        let reference = unb.text(5, 1).map(str::to_owned);
        if reference.is_none() {
            return Err(located(
                error::validation,
                "UNB has no interchange control reference (0020)".to_owned(),
                &outside,
                &unb,
                Some(5),
                Some(1),
            ));
        }
        let mut context = Context {
            interchange: reference.clone(),
            ..Context::default()
        };
        let mut messages = Vec::new();
        let mut top_level = 0u64;
        let mut group: Option<(Segment, u64)> = None;
        loop {
            let Some((segment, decimal)) = self.next(charset, None, &context)? else {
                return Err(error::syntax(format!(
                    "interchange {} ends without UNZ (truncated?)",
                    reference.as_deref().unwrap_or_default()
                )));
            };
            match segment.tag.as_str() {
                "UNG" => {
                    if group.is_some() {
                        return Err(located(
                            syntax,
                            "UNG inside a group that has no UNE".to_owned(),
                            &context,
                            &segment,
                            None,
                            None,
                        ));
                    }
                    context.group = segment.text(5, 1).map(str::to_owned);
                    top_level += 1;
                    group = Some((segment, 0));
                }
                "UNE" => {
                    let Some((ung, count)) = group.take() else {
                        return Err(located(
                            syntax,
                            "UNE without UNG".to_owned(),
                            &context,
                            &segment,
                            None,
                            None,
                        ));
                    };
                    self.check_count(&segment, &context, count, "messages in the group")?;
                    self.check_reference(&segment, &context, ung.text(5, 1), "UNG 0048")?;
                    context.group = None;
                }
                "UNH" => {
                    let message = self.message(
                        segment,
                        decimal,
                        charset,
                        &context,
                        group.as_ref().map(|(ung, _)| ung.clone()),
                    )?;
                    match &mut group {
                        Some((_, count)) => *count += 1,
                        None => top_level += 1,
                    }
                    messages.push(message);
                }
                "UNZ" => {
                    if group.is_some() {
                        return Err(located(
                            syntax,
                            "UNZ before the group's UNE".to_owned(),
                            &context,
                            &segment,
                            None,
                            None,
                        ));
                    }
                    self.check_count(
                        &segment,
                        &context,
                        top_level,
                        "messages or groups in the interchange",
                    )?;
                    self.check_reference(&segment, &context, reference.as_deref(), "UNB 0020")?;
                    if messages.is_empty() {
                        return Err(located(
                            error::validation,
                            "the interchange holds no message".to_owned(),
                            &context,
                            &segment,
                            None,
                            None,
                        ));
                    }
                    return Ok(Interchange { unb, messages });
                }
                other => {
                    return Err(located(
                        syntax,
                        format!("{other} outside a message: expected UNH, UNG or UNZ"),
                        &context,
                        &segment,
                        None,
                        None,
                    ));
                }
            }
        }
    }

    fn message(
        &mut self,
        unh: Segment,
        decimal: char,
        charset: Charset,
        outer: &Context,
        group: Option<Segment>,
    ) -> Result<Message, AdapterError> {
        let mut unh = unh;
        unh.position = 1;
        let context = Context {
            message: unh.text(1, 1).map(str::to_owned),
            message_type: unh.text(2, 1).map(str::to_owned),
            ..outer.clone()
        };
        if context.message.is_none() {
            return Err(located(
                error::validation,
                "UNH has no message reference number (0062)".to_owned(),
                &context,
                &unh,
                Some(1),
                Some(1),
            ));
        }
        let code = unh.text(2, 1).unwrap_or_default();
        let Some(kind) = MessageKind::from_code(code) else {
            return Err(located(
                error::unsupported,
                format!(
                    "unsupported message type {code:?}: this adapter reads ORDERS, ORDRSP, DESADV, INVOIC and CONTRL"
                ),
                &context,
                &unh,
                Some(2),
                Some(1),
            ));
        };
        let mut body = Vec::new();
        let mut position = 1u32;
        loop {
            position = position.saturating_add(1);
            let Some((segment, _)) = self.next(charset, Some(position), &context)? else {
                return Err(located(
                    syntax,
                    format!(
                        "message {} ends without UNT (truncated?)",
                        context.message.as_deref().unwrap_or_default()
                    ),
                    &context,
                    &unh,
                    None,
                    None,
                ));
            };
            match segment.tag.as_str() {
                "UNT" => {
                    // A UNT that disagrees refuses its own message only (CONTRL answers it
                    // with UCM 4); the interchange's other messages are still read.
                    let mut refused = None;
                    let problems = [
                        self.check_count(
                            &segment,
                            &context,
                            u64::from(position),
                            "segments in the message, UNH and UNT included",
                        ),
                        self.check_reference(
                            &segment,
                            &context,
                            context.message.as_deref(),
                            "UNH 0062",
                        ),
                    ];
                    for problem in problems {
                        if let Err(problem) = problem {
                            refused.get_or_insert(problem);
                        }
                    }
                    return Ok(Message {
                        kind,
                        unh,
                        body,
                        context,
                        group,
                        decimal,
                        refused,
                    });
                }
                "UNH" | "UNZ" | "UNB" | "UNG" | "UNE" => {
                    return Err(located(
                        syntax,
                        format!(
                            "{} inside message {}: its UNT is missing",
                            segment.tag,
                            context.message.as_deref().unwrap_or_default()
                        ),
                        &context,
                        &segment,
                        None,
                        None,
                    ));
                }
                _ => body.push(segment),
            }
        }
    }

    fn check_count(
        &mut self,
        segment: &Segment,
        context: &Context,
        actual: u64,
        what: &str,
    ) -> Result<(), AdapterError> {
        let written = segment.text(1, 1).unwrap_or_default();
        if written.parse::<u64>().ok() == Some(actual) {
            return Ok(());
        }
        self.mismatch(located(
            error::validation,
            format!(
                "{} counts {written:?}, but there are {actual} {what}",
                segment.tag
            ),
            context,
            segment,
            Some(1),
            Some(1),
        ))
    }

    fn check_reference(
        &mut self,
        segment: &Segment,
        context: &Context,
        opened: Option<&str>,
        opener: &str,
    ) -> Result<(), AdapterError> {
        let written = segment.text(2, 1);
        if written == opened {
            return Ok(());
        }
        self.mismatch(located(
            error::validation,
            format!(
                "{} reference {:?} does not match {opener} {:?}",
                segment.tag,
                written.unwrap_or_default(),
                opened.unwrap_or_default()
            ),
            context,
            segment,
            Some(2),
            Some(1),
        ))
    }
}
