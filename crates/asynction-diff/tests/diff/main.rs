//! asynction-diff's tests, in one binary: the fixture corpus (`tests/fixtures/diff/<case>/`),
//! places and report shapes, and the property test of the schema comparison against a real
//! JSON Schema validator.

mod corpus;
mod property;
