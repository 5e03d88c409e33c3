//! The two Prometheus exposition formats of `{base}/metrics` (feature `metrics`): which one a
//! scraper asked for, and the classic text format (`text/plain; version=0.0.4`) made from the
//! OpenMetrics text that prometheus-client writes.
//!
//! Why both: prometheus-client only writes OpenMetrics, but many scrapers (Python's
//! `prometheus_client.parser`, agents that predate OpenMetrics) read only the classic text, and
//! read OpenMetrics counters wrongly (`# TYPE x counter` names the family, its samples are
//! `x_total`: a classic parser sees untyped samples). The official client libraries answer the
//! classic text unless `Accept` names OpenMetrics; so does this route.

/// The `Content-Type` of the OpenMetrics text.
pub(crate) const OPENMETRICS: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// The `Content-Type` of the classic Prometheus text.
pub(crate) const CLASSIC: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Whether an `Accept` header asks for OpenMetrics: one of its media ranges is
/// `application/openmetrics-text` without `q=0` (as Python's `prometheus_client` and the Go
/// client decide; Prometheus itself sends it first).
pub(crate) fn wants_openmetrics(accept: Option<&str>) -> bool {
    accept.is_some_and(|accept| {
        accept.split(',').any(|range| {
            let mut parts = range.split(';');
            let media = parts.next().unwrap_or("").trim();
            media.eq_ignore_ascii_case("application/openmetrics-text")
                && !parts.any(|p| {
                    p.split_once('=').is_some_and(|(k, v)| {
                        k.trim().eq_ignore_ascii_case("q")
                            && v.trim().parse::<f32>().is_ok_and(|q| q <= 0.0)
                    })
                })
        })
    })
}

/// The classic text format of OpenMetrics text: counter families named with their `_total`
/// (`# HELP`/`# TYPE x_total counter`), `info` as a `gauge` named `x_info`, `unknown` as
/// `untyped`, `stateset` as `gauge`; no `# UNIT`, `# EOF`, `_created` samples or exemplars;
/// timestamps in milliseconds.
pub(crate) fn to_classic(openmetrics: &str) -> String {
    let types: std::collections::HashMap<&str, &str> = openmetrics
        .lines()
        .filter_map(|line| {
            let mut words = line.strip_prefix("# TYPE ")?.split(' ');
            Some((words.next()?, words.next()?))
        })
        .collect();
    let mut out = String::with_capacity(openmetrics.len());
    for line in openmetrics.lines() {
        if let Some(rest) = line.strip_prefix("# ") {
            let (keyword, rest) = rest.split_once(' ').unwrap_or((rest, ""));
            let (family, tail) = rest.split_once(' ').unwrap_or((rest, ""));
            let kind = types.get(family).copied().unwrap_or("unknown");
            let name = classic_family_name(family, kind);
            match keyword {
                "HELP" => out.push_str(&format!("# HELP {name} {tail}\n")),
                "TYPE" => out.push_str(&format!("# TYPE {name} {}\n", classic_type(kind))),
                // `# UNIT`, `# EOF` and any other comment: not in the classic format.
                _ => {}
            }
        } else if !line.is_empty()
            && let Some(sample) = classic_sample(line, &types)
        {
            out.push_str(&sample);
            out.push('\n');
        }
    }
    out
}

/// The name a family's `# HELP`/`# TYPE` lines carry in the classic format.
fn classic_family_name(family: &str, kind: &str) -> String {
    match kind {
        "counter" => format!("{family}_total"),
        "info" => format!("{family}_info"),
        _ => family.to_owned(),
    }
}

/// A family type in the classic format.
fn classic_type(kind: &str) -> &'static str {
    match kind {
        "counter" => "counter",
        "gauge" | "info" | "stateset" => "gauge",
        "histogram" => "histogram",
        "summary" => "summary",
        _ => "untyped",
    }
}

/// One sample line in the classic format, or `None` for a `_created` sample.
fn classic_sample(line: &str, types: &std::collections::HashMap<&str, &str>) -> Option<String> {
    let name_end = line.find(['{', ' ']).unwrap_or(line.len());
    let name = &line[..name_end];
    if let Some(family) = name.strip_suffix("_created")
        && matches!(
            types.get(family).copied(),
            Some("counter" | "histogram" | "summary")
        )
    {
        return None;
    }
    let labels_end = if line[name_end..].starts_with('{') {
        name_end + labels_len(&line[name_end..])
    } else {
        name_end
    };
    // After the labels: the value, an optional timestamp, an optional ` # {…} …` exemplar.
    let rest = line[labels_end..].split(" # ").next().unwrap_or("");
    let mut words = rest.split_whitespace();
    let value = words.next().unwrap_or("");
    let mut sample = format!("{} {value}", &line[..labels_end]);
    if let Some(seconds) = words.next().and_then(|t| t.parse::<f64>().ok()) {
        sample.push_str(&format!(" {}", (seconds * 1000.0).round() as i64));
    }
    Some(sample)
}

/// The length of the label set `{…}` that `text` starts with (quoted values may hold `}`).
fn labels_len(text: &str) -> usize {
    let mut quoted = false;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            '}' if !quoted => return i + 1,
            _ => {}
        }
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openmetrics_is_chosen_only_when_accepted() {
        assert!(!wants_openmetrics(None));
        assert!(!wants_openmetrics(Some("text/plain")));
        assert!(!wants_openmetrics(Some("*/*")));
        assert!(wants_openmetrics(Some("application/openmetrics-text")));
        assert!(wants_openmetrics(Some(
            "application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.3"
        )));
        assert!(wants_openmetrics(Some(
            "Application/OpenMetrics-Text ; q=1"
        )));
        assert!(!wants_openmetrics(Some(
            "application/openmetrics-text; q=0, text/plain"
        )));
    }

    #[test]
    fn families_samples_and_comments_become_classic_text() {
        let openmetrics = concat!(
            "# HELP c A counter.\n",
            "# TYPE c counter\n",
            "# UNIT c seconds\n",
            "c_total{a=\"x} # y\"} 3 # {trace_id=\"1\"} 1.0 1.5\n",
            "c_created{a=\"x} # y\"} 1.7e9\n",
            "# HELP h A histogram.\n",
            "# TYPE h histogram\n",
            "h_bucket{le=\"+Inf\"} 2\n",
            "h_sum 0.5\n",
            "h_count 2\n",
            "h_created 1.7e9\n",
            "# TYPE g gauge\n",
            "g 1 1.5\n",
            "# TYPE i info\n",
            "i_info{v=\"1\"} 1\n",
            "# TYPE u unknown\n",
            "u 7\n",
            "# EOF\n",
        );
        assert_eq!(
            to_classic(openmetrics),
            concat!(
                "# HELP c_total A counter.\n",
                "# TYPE c_total counter\n",
                "c_total{a=\"x} # y\"} 3\n",
                "# HELP h A histogram.\n",
                "# TYPE h histogram\n",
                "h_bucket{le=\"+Inf\"} 2\n",
                "h_sum 0.5\n",
                "h_count 2\n",
                "# TYPE g gauge\n",
                "g 1 1500\n",
                "# TYPE i_info gauge\n",
                "i_info{v=\"1\"} 1\n",
                "# TYPE u untyped\n",
                "u 7\n",
            )
        );
    }
}
