//! The host's build-time questions: is the third-party corpus here (`cfg(wharf_corpus)`), and
//! is the PostgreSQL server the tests use reachable (`cfg(wharf_postgres)`)? Each rule lives in
//! its own file under `tests/`, shared with the packages that ask it too.

#[path = "../tests/corpus_cfg/corpus.rs"]
mod corpus;
#[path = "../tests/postgres_cfg/postgres.rs"]
mod postgres;

fn main() {
    corpus::emit();
    postgres::emit();
}
