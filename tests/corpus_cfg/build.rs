//! The build script of packages whose only build-time question is the third-party corpus
//! (see `corpus.rs`); packages with their own build script include `corpus.rs` instead.

#[path = "corpus.rs"]
mod corpus;

fn main() {
    corpus::emit();
}
