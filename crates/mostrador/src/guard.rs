//! `mostrador guard`: the outgoing-text guard (`domain::guard`) over JSON lines, to check a batch
//! of texts (saved answers, bot templates) before anything is sent.

use std::io::{BufRead, Write};
use std::process::ExitCode;

/// Reads `{"text": "..."}` lines from standard input and writes one verdict line per input line,
/// in order: `{"allowed": …, "reasons": […]}`, or `{"error": "…"}` for a line that is not such
/// an object (the run goes on). Fails only when standard input or output does.
pub fn run() -> anyhow::Result<ExitCode> {
    // Our own buffer rather than stdin's, since only ours says whether input is waiting.
    let mut input = std::io::BufReader::with_capacity(64 * 1024, std::io::stdin());
    let mut output = std::io::BufWriter::new(std::io::stdout().lock());
    let mut line = Vec::new();
    let mut number = 0u64;
    loop {
        line.clear();
        if input.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        number += 1;
        let answer = verdict_line(trim_line_end(&line), number);
        writeln!(output, "{answer}")?;
        // Flushing when no more input is waiting answers a person typing line by line at once,
        // and a piped batch in large writes.
        if input.buffer().is_empty() {
            output.flush()?;
        }
    }
    output.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn trim_line_end(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

fn verdict_line(line: &[u8], number: u64) -> serde_json::Value {
    let error =
        |message: String| serde_json::json!({ "error": format!("line {number}: {message}") });
    let value: serde_json::Value = match serde_json::from_slice(line) {
        Ok(value) => value,
        Err(e) => return error(format!("not JSON: {e}")),
    };
    let Some(text) = value.get("text").and_then(|t| t.as_str()) else {
        return error(r#"expected an object with a string "text""#.to_string());
    };
    let verdict = domain::guard::check(text);
    serde_json::json!({
        "allowed": verdict.allowed,
        "reasons": verdict.reasons.iter().map(|r| r.code()).collect::<Vec<_>>(),
    })
}
