//! Fake data for the mock server: random values valid against payload and ack schemas.
//!
//! [`FakeGenerator::new`] prepares one schema at startup (and rejects unsatisfiable schemas
//! with the keyword and JSON pointer that blocked generation); [`FakeGenerator::generate`]
//! returns one valid value, and [`fake_arguments`] turns it into a Socket.IO argument list.
//! [`MockServer`] runs a whole mock Socket.IO server from a document; [`ReloadingMock`] serves
//! one whose document can be replaced without dropping the port (`mock run --watch`).
//!
//! ```
//! use asynction::mock::{FakeGenerator, fake_arguments};
//! use rand::SeedableRng;
//!
//! let doc = asynction::Document::from_text(r#"
//! asyncapi: 2.6.0
//! info: { title: Chat, version: 1.0.0 }
//! channels:
//!   /:
//!     subscribe:
//!       message:
//!         name: new message
//!         payload:
//!           type: object
//!           required: [username, message]
//!           properties:
//!             username: { type: string, format: first_name }
//!             message: { type: string, format: sentence }
//! "#).unwrap();
//! let event = &doc.api.namespaces[0].egress[0];
//! let examples: Vec<_> = event.example_payloads().cloned().collect();
//! let generator = FakeGenerator::new(event.payload.as_ref().unwrap(), &doc.resolved, &examples).unwrap();
//! let mut rng = rand::rngs::StdRng::seed_from_u64(7);
//! let args = fake_arguments(Some(&generator), &mut rng);
//! assert!(args[0]["username"].is_string());
//! ```
//!
//! # What is generated
//!
//! - Message `examples` that validate are preferred: `generate` picks one at random.
//! - Otherwise a value is built from `type` (including type lists), `enum`, `const`,
//!   `properties`/`required`/`additionalProperties`/`patternProperties`/`minProperties`/
//!   `maxProperties`/`dependentRequired` (optional properties are included at random; no
//!   extra keys are invented unless `minProperties` demands them), `prefixItems` and draft-07
//!   tuple `items: [..]`, `items`, `minItems`/`maxItems`/`uniqueItems`/`contains`,
//!   `minLength`/`maxLength`, `pattern` (via `rand_regex`; anchors dropped, ASCII `\d`/`\w`),
//!   `minimum`/`maximum`/`exclusiveMinimum`/`exclusiveMaximum`/`multipleOf`, `allOf` (merged),
//!   `oneOf`/`anyOf`/`if`-`then`-`else` (a compatible branch is picked), `not` (regenerated),
//!   and local `$ref`s into the document (recursion is cut off by depth).
//! - Every value is re-validated with [`crate::validate::CompiledSchema`]; invalid ones are
//!   regenerated (up to [`RUNTIME_ATTEMPTS`] times), then a value known to be valid
//!   from startup is returned.
//! - Reproducible: the same RNG state gives the same value (seed a `rand::rngs::StdRng`).
//!
//! # Formats
//!
//! Standard formats (asserted by the validators): `date-time`, `date`, `time`, `duration`,
//! `email`, `idn-email`, `hostname`, `idn-hostname`, `ipv4`, `ipv6`, `uri`, `uri-reference`,
//! `iri`, `iri-reference`, `uri-template`, `uuid`, `json-pointer`, `relative-json-pointer`,
//! `regex`.
//!
//! Faker formats (Python Faker method names, as the original asynction accepted; generated
//! with the [`fake`] crate, English locale). Unknown formats yield plain lorem strings.
//!
//! | `format` | Generated with | Example |
//! |---|---|---|
//! | `first_name` | `name::FirstName` | `Maud` |
//! | `last_name` | `name::LastName` | `Kuhic` |
//! | `name` | `name::Name` | `Maud Kuhic` |
//! | `name_with_title` | `name::NameWithTitle` | `Dr. Maud Kuhic` |
//! | `prefix` | `name::Title` | `Mrs.` |
//! | `suffix` | `name::Suffix` | `Jr.` |
//! | `word` | `lorem::Word` | `dolor` |
//! | `words` | `lorem::Words(2..5)`, space-joined | `sit amet quia` |
//! | `sentence` | `lorem::Sentence(3..8)` | `Ut enim ad minima.` |
//! | `paragraph` | `lorem::Paragraph(2..5)` | several sentences |
//! | `text` | `lorem::Paragraphs(1..3)`, newline-joined | paragraphs |
//! | `safe_email`, `company_email` | `internet::SafeEmail` | `maud@example.org` |
//! | `free_email` | `internet::FreeEmail` | `maud@gmail.com` |
//! | `user_name` | `internet::Username` | `maud_kuhic` |
//! | `password` | `internet::Password(10..20)` | `xT9wqL2mZp0` |
//! | `domain_name` | lorem word + common suffix | `dolor.io` |
//! | `domain_word` | lower-case lorem word | `dolor` |
//! | `tld` | `internet::DomainSuffix` | `com` |
//! | `url` | `https://` + domain + path | `https://dolor.io/sit` |
//! | `uri_path` | two lower-case words | `dolor/sit` |
//! | `mac_address` | `internet::MACAddress` | `3a:0f:…` |
//! | `user_agent` | `internet::UserAgent` | `Mozilla/5.0 …` |
//! | `phone_number` | `phone_number::PhoneNumber` | `(555) 123-4567` |
//! | `cell_phone` | `phone_number::CellNumber` | `555-123-4567` |
//! | `city` | `address::CityName` | `Lake Maud` |
//! | `country` | `address::CountryName` | `Norway` |
//! | `country_code` | `address::CountryCode` | `NO` |
//! | `street_name` | `address::StreetName` | `Kuhic Street` |
//! | `street_address` | `BuildingNumber` + `StreetName` | `12 Kuhic Street` |
//! | `building_number` | `address::BuildingNumber` | `812` |
//! | `secondary_address` | `address::SecondaryAddress` | `Apt. 4` |
//! | `address` | street address, city, zip code | two lines |
//! | `zip_code`, `zipcode` | `address::ZipCode` | `12345` |
//! | `postcode` | `address::PostCode` | `12345` |
//! | `state` | `address::StateName` | `Ohio` |
//! | `state_abbr` | `address::StateAbbr` | `OH` |
//! | `latitude`, `longitude` | `address::Latitude` / `Longitude` | `-12.345` |
//! | `timezone` | `address::TimeZone` | `Europe/Oslo` |
//! | `company` | `company::CompanyName` | `Kuhic and Sons` |
//! | `company_suffix` | `company::CompanySuffix` | `LLC` |
//! | `catch_phrase` | `company::CatchPhrase` | `Robust dynamic hub` |
//! | `bs` | `company::Bs` | `synergize viral markets` |
//! | `job` | `job::Title` | `Senior Engineer` |
//! | `credit_card_number` | `creditcard::CreditCardNumber` | `4111…` |
//! | `currency_code` | `currency::CurrencyCode` | `EUR` |
//! | `currency_name` | `currency::CurrencyName` | `Euro` |
//! | `isbn10`, `isbn13` | `barcode::Isbn10` / `Isbn13` | `978-…` |
//! | `file_name`, `file_path`, `file_extension`, `mime_type` | `filesystem::*` | `dolor.pdf` |
//! | `uuid4` | random version-4 UUID | `0f6c…-4…` |
//! | `iso8601`, `date_time` | RFC 3339 date-time (UTC) | `2031-04-17T09:12:44Z` |
//! | `date_of_birth` | RFC 3339 full date | `1987-11-03` |
//! | `time_of_day` | `HH:MM:SS` | `09:12:44` |
//! | `hex_color` | `#rrggbb` | `#3fa90c` |
//! | `md5`, `sha1`, `sha256` | random lower-case hex of that length | `9e10…` |
//! | `ipv4_public` | `internet::IPv4` | `203.0.113.7` |

// Internal stages: what users need is re-exported below.
mod formats;
mod generate;
mod reload;
mod security;
mod serve;

pub use formats::FAKER_FORMATS;
pub use generate::{
    FakeGenerator, GenerateError, RUNTIME_ATTEMPTS, STARTUP_ATTEMPTS, fake_arguments,
};
pub use reload::ReloadingMock;
pub use serve::{MockEmitters, MockError, MockOptions, MockServer, docs_example_generator};
