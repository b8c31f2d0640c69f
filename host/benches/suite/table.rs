//! The one table the suite prints: rows of a measure, Wharf's figure, the peer's (or the
//! reason it was not run) and their ratio, grouped by section, in markdown.

/// A peer's figure, or why there is none.
pub enum Peer {
    /// Nothing to compare with.
    None,
    Figure(String),
    NotRun(String),
}

struct Row {
    measure: String,
    wharf: String,
    peer: Peer,
    ratio: String,
}

#[derive(Default)]
pub struct Table {
    sections: Vec<(String, Vec<Row>)>,
}

impl Table {
    /// Starts a section; rows go into the last one started.
    pub fn section(&mut self, title: &str) {
        self.sections.push((title.to_owned(), Vec::new()));
    }

    pub fn row(&mut self, measure: impl Into<String>, wharf: impl Into<String>, peer: Peer) {
        self.row_with_ratio(measure, wharf, peer, "");
    }

    pub fn row_with_ratio(
        &mut self,
        measure: impl Into<String>,
        wharf: impl Into<String>,
        peer: Peer,
        ratio: impl Into<String>,
    ) {
        if self.sections.is_empty() {
            self.section("");
        }
        let rows = &mut self.sections.last_mut().expect("a section").1;
        rows.push(Row {
            measure: measure.into(),
            wharf: wharf.into(),
            peer,
            ratio: ratio.into(),
        });
    }

    pub fn print(&self) {
        println!("| measure | Wharf | peer | ratio |");
        println!("| --- | --- | --- | --- |");
        for (title, rows) in &self.sections {
            println!("| **{title}** | | | |");
            for row in rows {
                let peer = match &row.peer {
                    Peer::None => "—".to_owned(),
                    Peer::Figure(figure) => figure.clone(),
                    Peer::NotRun(why) => format!("not run: {why}"),
                };
                println!(
                    "| {} | {} | {} | {} |",
                    row.measure, row.wharf, peer, row.ratio
                );
            }
        }
    }
}

/// `a / b` as a ratio cell, `—` when either is missing.
pub fn ratio(a: Option<f64>, b: Option<f64>, what: &str) -> String {
    match (a, b) {
        (Some(a), Some(b)) if b > 0.0 => format!("{:.2}× {what}", a / b),
        _ => "—".into(),
    }
}
