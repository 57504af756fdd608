//! `mostrador rfm` and `mostrador bench rfm` as a user runs them: the built binary, real files.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

const AS_OF: &str = "2025-06-30";

/// Five customers with ties on every figure, a two-line order, an RFC 3339 date (late evening
/// in Argentina: still the 20th), an extra column and a line after the analysis date.
const ORDERS: &str = "\
customer_id,order_id,date,amount,note
9,A1,2025-06-29,10.00,
9,A2,2025-06-20T23:30:00-03:00,5.50,late evening
10,B1,2025-06-29,15.50,
2,C1,2025-01-01,100.00,
2,C2,2025-03-01,20.00,two lines
2,C2,2025-03-01,30.00,\"of one order, quoted\"
2,C3,2025-05-30,1.00,
100,D1,2024-06-30,3.00,
33,E1,2025-07-05,999.00,after the analysis date
33,E2,2025-06-30,0.99,
";

/// Worked out by hand in `domain::rfm`'s tests (`five_customers_by_hand`).
const SCORES: &str = "\
customer_id,recency_days,frequency,monetary,r,f,m,segment
2,31,3,151.00,2,5,5,at_risk
9,1,2,15.50,4,4,3,loyal
10,1,1,15.50,3,1,4,need_attention
33,0,1,0.99,5,2,1,low_spenders
100,365,1,3.00,1,3,2,lost
";

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_mostrador"))
}

fn rfm_file(contents: impl AsRef<[u8]>) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("orders.csv");
    std::fs::write(&path, contents).unwrap();
    bin()
        .args(["rfm", "--as-of", AS_OF, "--orders-csv"])
        .arg(&path)
        .output()
        .unwrap()
}

fn rfm_stdin(contents: &str) -> Output {
    let mut child = bin()
        .args(["rfm", "--as-of", AS_OF, "--orders-csv", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(contents.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[test]
fn scores_a_file_as_worked_out_by_hand() {
    let out = rfm_file(ORDERS);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), SCORES);
    let note = text(&out.stderr);
    assert!(
        note.contains("1 line(s) dated after 2025-06-30 left out"),
        "the later line is said, not hidden: {note}"
    );
}

#[test]
fn reads_standard_input_with_a_dash() {
    let out = rfm_stdin(ORDERS);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), SCORES);
}

#[test]
fn ids_sort_as_text_when_one_is_not_a_number() {
    let input = "customer_id,order_id,date,amount\n9,a,2025-06-01,10\n10,b,2025-06-01,10\nx,c,2025-06-01,10\n";
    let out = rfm_stdin(input);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "customer_id,recency_days,frequency,monetary,r,f,m,segment\n\
         10,29,1,10,5,1,1,new\n\
         9,29,1,10,3,3,3,loyal\n\
         x,29,1,10,1,5,5,at_risk\n"
    );
}

#[test]
fn a_header_alone_gives_a_header_alone() {
    let out = rfm_stdin("customer_id,order_id,date,amount\n");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "customer_id,recency_days,frequency,monetary,r,f,m,segment\n"
    );
}

#[test]
fn a_bad_row_names_its_line_and_what_is_wrong() {
    let header = "customer_id,order_id,date,amount\n";
    let good = "9,A1,2025-06-29,10.00\n";
    for (rows, expected) in [
        (
            format!("{good}{good}10,B1,2025-06-29,\"12,50\"\n"),
            "line 4: amount \"12,50\" is not a decimal number with a dot (e.g. 189.90)",
        ),
        (
            format!("{good}10,B1,2025-02-30,12.50\n"),
            "line 3: date \"2025-02-30\" is not a date",
        ),
        (
            format!("{good}10,B1,30/06/2025,12.50\n"),
            "line 3: date \"30/06/2025\" is not a date (YYYY-MM-DD or RFC 3339",
        ),
        (
            ",B1,2025-06-29,1\n".to_string(),
            "line 2: customer_id is empty",
        ),
        (
            format!("{good} 10,B1,2025-06-29,1\n"),
            "line 3: customer_id \" 10\" has spaces around it",
        ),
        (
            format!("{good}10,B1,2025-06-29\n"),
            "line 3: 3 fields where the header has 4",
        ),
    ] {
        let out = rfm_file(format!("{header}{rows}"));
        let said = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{expected}: {said}");
        assert!(said.contains(expected), "expected {expected:?} in {said:?}");
        assert!(said.starts_with("error: reading "), "{said}");
        assert!(out.stdout.is_empty(), "nothing written for a bad file");
    }

    let out = rfm_stdin("customer,order_id,date,amount\n9,A1,2025-06-29,10.00\n");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("line 1: the header has no column \"customer_id\""),
        "{}",
        text(&out.stderr)
    );
    let out = rfm_stdin("");
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("the input is empty"));
    let out = rfm_file(b"customer_id,order_id,date,amount\n9,A1,2025-06-29,\xff10\n");
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("line 2: not valid UTF-8"));
}

#[test]
fn a_missing_file_and_a_bad_date_flag_are_errors() {
    let out = bin()
        .args([
            "rfm",
            "--as-of",
            AS_OF,
            "--orders-csv",
            "/nonexistent/orders.csv",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("cannot open /nonexistent/orders.csv"));
    let out = bin()
        .args(["rfm", "--as-of", "30/06/2025", "--orders-csv", "-"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("is not a date like 2025-06-30"));
}

#[test]
fn bench_without_pandas_measures_rust_and_says_so() {
    let out = bin()
        .args([
            "bench",
            "rfm",
            "--orders",
            "3000",
            "--customers",
            "500",
            "--seed",
            "3",
            "--python",
            "/nonexistent/python3",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["bench"], "rfm");
    assert_eq!(report["customers_scored"], 500);
    assert_eq!(report["pandas"]["available"], false);
    assert!(
        report["pandas"]["reason"]
            .as_str()
            .unwrap()
            .contains("did not start")
    );
    assert!(report["rust"]["compute_s"].as_f64().unwrap() > 0.0);
    assert_eq!(report["outputs"], serde_json::Value::Null);
    let counted: u64 = report["segments"]
        .as_object()
        .unwrap()
        .values()
        .map(|n| n.as_u64().unwrap())
        .sum();
    assert_eq!(counted, 500);

    let table = bin()
        .args(["bench", "rfm", "--orders", "200", "--customers", "50"])
        .args(["--python", "/nonexistent/python3"])
        .output()
        .unwrap();
    assert!(table.status.success());
    assert!(text(&table.stdout).contains("pandas: not run"));
}
