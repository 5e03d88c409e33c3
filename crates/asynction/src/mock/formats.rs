//! String `format`s → fake strings: the JSON Schema standard formats and Faker provider names.
//!
//! The standard formats are generated so that they pass the format assertions of both
//! `jsonschema` and Ajv's `ajv-formats`. Faker names (the Python Faker method names the original
//! asynction accepted, e.g. `format: first_name`) map onto providers of the `fake` crate; the
//! full table is in the [`crate::mock`] module docs. Unknown formats return `None`, and the
//! generator falls back to a plain string.

use fake::Fake;
use fake::faker::{
    address, barcode, company, creditcard, currency, filesystem, internet, job, lorem, name,
    phone_number,
};
use rand::{Rng, RngExt};

// Standard JSON Schema formats the generator produces (asserted by the validators): the
// spec crate's one list, `asynction_spec::STANDARD_FORMATS`.
use asynction_spec::STANDARD_FORMATS;

/// Faker provider names the generator understands as `format` values.
pub const FAKER_FORMATS: &[&str] = &[
    "first_name",
    "last_name",
    "name",
    "name_with_title",
    "prefix",
    "suffix",
    "word",
    "words",
    "sentence",
    "paragraph",
    "text",
    "safe_email",
    "free_email",
    "company_email",
    "user_name",
    "password",
    "domain_name",
    "domain_word",
    "tld",
    "url",
    "uri_path",
    "mac_address",
    "user_agent",
    "phone_number",
    "cell_phone",
    "city",
    "country",
    "country_code",
    "street_name",
    "street_address",
    "building_number",
    "secondary_address",
    "address",
    "zip_code",
    "zipcode",
    "postcode",
    "state",
    "state_abbr",
    "latitude",
    "longitude",
    "timezone",
    "company",
    "company_suffix",
    "catch_phrase",
    "bs",
    "job",
    "credit_card_number",
    "currency_code",
    "currency_name",
    "isbn10",
    "isbn13",
    "file_name",
    "file_path",
    "file_extension",
    "mime_type",
    "uuid4",
    "iso8601",
    "date_time",
    "date_of_birth",
    "time_of_day",
    "hex_color",
    "md5",
    "sha1",
    "sha256",
    "ipv4_public",
];

/// Whether [`fake_string`] knows `format`.
pub(super) fn is_known(format: &str) -> bool {
    STANDARD_FORMATS.contains(&format) || FAKER_FORMATS.contains(&format)
}

/// A fake string for `format`, or `None` when the format is unknown.
pub(super) fn fake_string<R: Rng + ?Sized>(format: &str, rng: &mut R) -> Option<String> {
    standard(format, rng).or_else(|| faker(format, rng))
}

fn standard<R: Rng + ?Sized>(format: &str, rng: &mut R) -> Option<String> {
    Some(match format {
        "date-time" => date_time(rng),
        "date" => date(rng),
        "time" => format!("{}Z", clock(rng)),
        "duration" => format!(
            "P{}DT{}H{}M",
            rng.random_range(0..30),
            rng.random_range(0..24),
            rng.random_range(0..60)
        ),
        "email" | "idn-email" => internet::en::SafeEmail().fake_with_rng(rng),
        "hostname" | "idn-hostname" => hostname(rng),
        "ipv4" => internet::en::IPv4().fake_with_rng(rng),
        "ipv6" => internet::en::IPv6().fake_with_rng(rng),
        "uri" | "iri" => url(rng),
        "uri-reference" | "iri-reference" => format!("/{}", lowercase_word(rng)),
        "uri-template" => format!("{}/{{id}}", url(rng).trim_end_matches('/')),
        "uuid" => uuid4(rng),
        "json-pointer" => format!("/{}/{}", lowercase_word(rng), rng.random_range(0..10)),
        "relative-json-pointer" => format!("{}/{}", rng.random_range(0..4), lowercase_word(rng)),
        "regex" => "^[a-z]+$".to_owned(),
        _ => return None,
    })
}

fn faker<R: Rng + ?Sized>(format: &str, rng: &mut R) -> Option<String> {
    Some(match format {
        "first_name" => name::en::FirstName().fake_with_rng(rng),
        "last_name" => name::en::LastName().fake_with_rng(rng),
        "name" => name::en::Name().fake_with_rng(rng),
        "name_with_title" => name::en::NameWithTitle().fake_with_rng(rng),
        "prefix" => name::en::Title().fake_with_rng(rng),
        "suffix" => name::en::Suffix().fake_with_rng(rng),
        "word" => lorem::en::Word().fake_with_rng(rng),
        "words" => lorem::en::Words(2..5)
            .fake_with_rng::<Vec<String>, _>(rng)
            .join(" "),
        "sentence" => lorem::en::Sentence(3..8).fake_with_rng(rng),
        "paragraph" => lorem::en::Paragraph(2..5).fake_with_rng(rng),
        "text" => lorem::en::Paragraphs(1..3)
            .fake_with_rng::<Vec<String>, _>(rng)
            .join("\n"),
        "safe_email" | "company_email" => internet::en::SafeEmail().fake_with_rng(rng),
        "free_email" => internet::en::FreeEmail().fake_with_rng(rng),
        "user_name" => internet::en::Username().fake_with_rng(rng),
        "password" => internet::en::Password(10..20).fake_with_rng(rng),
        "domain_name" => hostname(rng),
        "domain_word" => lowercase_word(rng),
        "tld" => internet::en::DomainSuffix().fake_with_rng(rng),
        "url" => url(rng),
        "uri_path" => format!("{}/{}", lowercase_word(rng), lowercase_word(rng)),
        "mac_address" => internet::en::MACAddress().fake_with_rng(rng),
        "user_agent" => internet::en::UserAgent().fake_with_rng(rng),
        "phone_number" => phone_number::en::PhoneNumber().fake_with_rng(rng),
        "cell_phone" => phone_number::en::CellNumber().fake_with_rng(rng),
        "city" => address::en::CityName().fake_with_rng(rng),
        "country" => address::en::CountryName().fake_with_rng(rng),
        "country_code" => address::en::CountryCode().fake_with_rng(rng),
        "street_name" => address::en::StreetName().fake_with_rng(rng),
        "street_address" => street_address(rng),
        "building_number" => address::en::BuildingNumber().fake_with_rng(rng),
        "secondary_address" => address::en::SecondaryAddress().fake_with_rng(rng),
        "address" => {
            let zip: String = address::en::ZipCode().fake_with_rng(rng);
            let city: String = address::en::CityName().fake_with_rng(rng);
            format!("{}\n{city}, {zip}", street_address(rng))
        }
        "zip_code" | "zipcode" => address::en::ZipCode().fake_with_rng(rng),
        "postcode" => address::en::PostCode().fake_with_rng(rng),
        "state" => address::en::StateName().fake_with_rng(rng),
        "state_abbr" => address::en::StateAbbr().fake_with_rng(rng),
        "latitude" => address::en::Latitude().fake_with_rng(rng),
        "longitude" => address::en::Longitude().fake_with_rng(rng),
        "timezone" => address::en::TimeZone().fake_with_rng(rng),
        "company" => company::en::CompanyName().fake_with_rng(rng),
        "company_suffix" => company::en::CompanySuffix().fake_with_rng(rng),
        "catch_phrase" => company::en::CatchPhrase().fake_with_rng(rng),
        "bs" => company::en::Bs().fake_with_rng(rng),
        "job" => job::en::Title().fake_with_rng(rng),
        "credit_card_number" => creditcard::en::CreditCardNumber().fake_with_rng(rng),
        "currency_code" => currency::en::CurrencyCode().fake_with_rng(rng),
        "currency_name" => currency::en::CurrencyName().fake_with_rng(rng),
        "isbn10" => barcode::en::Isbn10().fake_with_rng(rng),
        "isbn13" => barcode::en::Isbn13().fake_with_rng(rng),
        "file_name" => filesystem::en::FileName().fake_with_rng(rng),
        "file_path" => filesystem::en::FilePath().fake_with_rng(rng),
        "file_extension" => filesystem::en::FileExtension().fake_with_rng(rng),
        "mime_type" => filesystem::en::MimeType().fake_with_rng(rng),
        "uuid4" => uuid4(rng),
        "iso8601" | "date_time" => date_time(rng),
        "date_of_birth" => date(rng),
        "time_of_day" => clock(rng),
        "hex_color" => format!("#{:06x}", rng.random_range(0..0x100_0000u32)),
        "md5" => hex(rng, 32),
        "sha1" => hex(rng, 40),
        "sha256" => hex(rng, 64),
        "ipv4_public" => internet::en::IPv4().fake_with_rng(rng),
        _ => return None,
    })
}

fn date<R: Rng + ?Sized>(rng: &mut R) -> String {
    // Day 1..=28 is valid in every month, so no calendar is needed.
    format!(
        "{:04}-{:02}-{:02}",
        rng.random_range(1970..2040),
        rng.random_range(1..=12),
        rng.random_range(1..=28)
    )
}

fn clock<R: Rng + ?Sized>(rng: &mut R) -> String {
    format!(
        "{:02}:{:02}:{:02}",
        rng.random_range(0..24),
        rng.random_range(0..60),
        rng.random_range(0..60)
    )
}

fn date_time<R: Rng + ?Sized>(rng: &mut R) -> String {
    format!("{}T{}Z", date(rng), clock(rng))
}

fn uuid4<R: Rng + ?Sized>(rng: &mut R) -> String {
    let mut b = [0u8; 16];
    rng.fill(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

fn hex<R: Rng + ?Sized>(rng: &mut R, len: usize) -> String {
    (0..len)
        .map(|_| char::from_digit(rng.random_range(0..16), 16).unwrap_or('0'))
        .collect()
}

/// A lower-case ASCII lorem word (hostnames and URLs need plain ASCII letters).
fn lowercase_word<R: Rng + ?Sized>(rng: &mut R) -> String {
    let word: String = lorem::en::Word().fake_with_rng(rng);
    let ascii: String = word
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    if ascii.is_empty() {
        "example".to_owned()
    } else {
        ascii
    }
}

fn hostname<R: Rng + ?Sized>(rng: &mut R) -> String {
    let suffix = ["com", "org", "net", "io", "dev"][rng.random_range(0..5)];
    format!("{}.{suffix}", lowercase_word(rng))
}

fn url<R: Rng + ?Sized>(rng: &mut R) -> String {
    format!("https://{}/{}", hostname(rng), lowercase_word(rng))
}

fn street_address<R: Rng + ?Sized>(rng: &mut R) -> String {
    let number: String = address::en::BuildingNumber().fake_with_rng(rng);
    let street: String = address::en::StreetName().fake_with_rng(rng);
    format!("{number} {street}")
}
