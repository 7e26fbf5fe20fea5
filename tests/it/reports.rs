//! The report on appeals and the registry export over real HTTPS, each format opened with a
//! real reader: XLSX and DOCX as zip + XML, CSV parsed, PDF through `pdftotext`
//! (poppler-utils, installed by `.ci/run`), and the command line as a black box.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use otinish::clock::Clock;
use otinish::config::Config;
use otinish::service::{Ctx, Rules, seed};
use otinish::store::Store;
use otinish::web::server::ServerHandle;
use otinish::web::{self, App, tls};

use crate::support::Browser;

const BIN: &str = env!("CARGO_BIN_EXE_otinish");
const KAZAKH_LETTERS: &str = "әғқңөұүһі";

/// The demo institution with `appeals` appeals filed over January–February 2026, served on a
/// fixed clock (Monday 2 March 2026).
struct Seeded {
    handle: Option<ServerHandle>,
    cert_pem: String,
    _dir: tempfile::TempDir,
}

impl Seeded {
    fn new(appeals: u32) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let config = Config::default().with_data_dir(dir.path().to_owned());
        let store = Store::open(&dir.path().join("otinish.redb")).unwrap();
        let now: jiff::Timestamp = "2026-03-02T05:00:00Z".parse().unwrap();
        let ctx = Ctx::new(store, Clock::fixed(now), Rules::from_config(&config));
        seed::seed(&ctx, appeals, now).unwrap();
        let material = tls::generate_self_signed(&[]).unwrap();
        let tls_config = tls::server_config(&material).unwrap();
        let app = Arc::new(App::new(ctx, &config).unwrap());
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let handle = web::start(app, listener, tls_config, web::limits(&config)).unwrap();
        Self {
            handle: Some(handle),
            cert_pem: material.cert_pem,
            _dir: dir,
        }
    }

    fn signed_in(&self, login: &str) -> Browser {
        let addr = self.handle.as_ref().unwrap().addr();
        let mut b = Browser::new(&format!("https://{addr}"), &self.cert_pem);
        let page = b.sign_in(login, seed::DEMO_PASSWORD);
        assert_eq!(page.status, 303, "{login} signs in: {}", page.text());
        b
    }
}

impl Drop for Seeded {
    fn drop(&mut self) {
        if let Some(handle) = self.handle.take() {
            handle.shutdown();
        }
    }
}

fn unzip(bytes: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut files = BTreeMap::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        let mut content = Vec::new();
        file.read_to_end(&mut content).unwrap();
        files.insert(file.name().unwrap().to_string(), content);
    }
    files
}

fn pdf_text(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.pdf");
    std::fs::write(&path, bytes).unwrap();
    let out = Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) must be installed: apt-get install -y poppler-utils");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// RFC 4180 rows (the byte-order mark dropped).
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let text = text.trim_start_matches('\u{feff}');
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (_, c) => field.push(c),
        }
    }
    rows
}

/// The `data-value`s of one HTML table, row by row.
fn html_values(body: &str, id: &str) -> Vec<String> {
    let start = body.find(&format!("id=\"t-{id}\"")).unwrap();
    let section = &body[start..start + body[start..].find("</section>").unwrap()];
    section
        .split("data-value=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().to_owned())
        .collect()
}

/// Cells of a worksheet: (row, column) from 1 and 0 → (formula, cached value).
fn sheet_cells(xml: &str) -> BTreeMap<(u32, u32), (Option<String>, String)> {
    let mut cells = BTreeMap::new();
    for cell in xml.split("<c r=\"").skip(1) {
        let reference = cell.split('"').next().unwrap();
        let letters: String = reference
            .chars()
            .take_while(char::is_ascii_uppercase)
            .collect();
        let row: u32 = reference[letters.len()..].parse().unwrap();
        let column = letters
            .bytes()
            .fold(0u32, |acc, b| acc * 26 + u32::from(b - b'A' + 1))
            - 1;
        let body = cell.split("</c>").next().unwrap();
        let between = |tag: &str| {
            body.split(&format!("<{tag}>"))
                .nth(1)
                .map(|s| s.split(&format!("</{tag}>")).next().unwrap().to_owned())
        };
        if body.contains("t=\"s\"") {
            continue;
        }
        cells.insert(
            (row, column),
            (between("f"), between("v").unwrap_or_default()),
        );
    }
    cells
}

fn same_number(machine: &str, spreadsheet: &str) -> bool {
    let (a, b): (f64, f64) = (machine.parse().unwrap(), spreadsheet.parse().unwrap());
    (a - b).abs() < 1e-9 || (a - b * 100.0).abs() < 0.051
}

#[test]
fn the_report_is_for_directors_and_admins() {
    let app = Seeded::new(12);
    let mut clerk = app.signed_in("clerk");
    assert_eq!(clerk.get("/reports").status, 403);
    assert_eq!(clerk.download("/reports/download?format=pdf").0, 403);
    assert!(!clerk.get("/registry").body.contains("href=\"/reports\""));
    let mut admin = app.signed_in("admin");
    assert_eq!(admin.get("/reports").status, 200);
    let mut director = app.signed_in("director");
    let page = director.get("/reports?from=2026-01-01&to=2026-12-31&lang=kk");
    assert_eq!(page.status, 200, "{}", page.text());
    let text = page.text();
    assert!(text.contains("Өтініштер бойынша есеп"), "{text}");
    assert!(
        text.contains("01.01.2026 жылдан 31.12.2026 жылға дейін"),
        "{text}"
    );
    assert!(text.contains("Серікова Гүлнар Бекқызы"), "{text}");
    assert!(page.body.contains("<svg"), "charts are drawn");
    let refused = director.get("/reports?from=2026-12-31&to=2026-01-01");
    assert_eq!(refused.status, 422);
    assert!(
        refused
            .text()
            .contains("Кезең соңы басынан бұрын болмауы керек")
    );
    let css = director.download("/reports/style.css");
    assert_eq!((css.0, css.1.as_str()), (200, "text/css; charset=utf-8"));
}

/// Every format of one report, read back, shows the same figures.
#[test]
fn every_format_reads_back_and_xlsx_csv_and_html_agree() {
    let app = Seeded::new(40);
    let mut director = app.signed_in("director");
    let query = "from=2026-01-01&to=2026-12-31&lang=kk";
    let html = director.get(&format!("/reports?{query}")).body;

    let (status, kind, zip) = director.download(&format!("/reports/download?format=csv&{query}"));
    assert_eq!((status, kind.as_str()), (200, "application/zip"));
    let csvs = unzip(&zip);
    assert_eq!(csvs.len(), 9, "{:?}", csvs.keys());
    let (status, _, xlsx) = director.download(&format!("/reports/download?format=xlsx&{query}"));
    assert_eq!(status, 200);
    let book = unzip(&xlsx);

    let mut received = None;
    for (i, (name, csv)) in csvs.iter().enumerate() {
        let id = name.trim_end_matches(".csv").split_once('-').unwrap().1;
        let rows = csv_rows(std::str::from_utf8(csv).unwrap());
        let values: Vec<String> = rows[1..].iter().flat_map(|r| r[1..].to_vec()).collect();
        assert_eq!(
            values,
            html_values(&html, id),
            "HTML table {id} = CSV {name}"
        );
        let sheet =
            std::str::from_utf8(&book[&format!("xl/worksheets/sheet{}.xml", i + 1)]).unwrap();
        let cells = sheet_cells(sheet);
        for (r, row) in rows[1..].iter().enumerate() {
            for (c, value) in row[1..].iter().enumerate() {
                let at = (5 + u32::try_from(r).unwrap(), 1 + u32::try_from(c).unwrap());
                match cells.get(&at) {
                    None => assert!(value.is_empty(), "{id} {at:?}: CSV {value}, XLSX empty"),
                    Some((_, cached)) => assert!(
                        same_number(value, cached),
                        "{id} {at:?}: CSV {value}, XLSX {cached}"
                    ),
                }
            }
        }
        if id == "intake" {
            assert_eq!(rows[2][0], "Түскен өтініштер");
            received = Some(rows[2][1].clone());
            let (formula, _) = &cells[&(6, 1)];
            assert_eq!(
                formula.as_deref(),
                Some("SUM(B7,B8)"),
                "received = individuals + legal"
            );
            assert_eq!(cells[&(6, 3)].0.as_deref(), Some("B6-C6"), "difference");
        }
    }
    let received = received.unwrap();
    assert_eq!(received, "40", "all 40 seeded appeals fall in 2026");

    let (status, kind, pdf) = director.download(&format!("/reports/download?format=pdf&{query}"));
    assert_eq!((status, kind.as_str()), (200, "application/pdf"));
    let text = pdf_text(&pdf);
    assert!(text.contains("Өтініштер бойынша есеп"), "{text}");
    assert!(text.contains("Серікова Гүлнар Бекқызы"), "{text}");
    assert!(
        text.contains("Есепті кезеңде 40 өтініш келіп түсті"),
        "{text}"
    );
    for letter in KAZAKH_LETTERS.chars().filter(|l| html.contains(*l)) {
        assert!(text.contains(letter), "pdftotext finds «{letter}»");
    }

    let (status, _, docx) = director.download(&format!("/reports/download?format=docx&{query}"));
    assert_eq!(status, 200);
    let parts = unzip(&docx);
    let document = std::str::from_utf8(&parts["word/document.xml"]).unwrap();
    assert!(document.contains("Өтініштер бойынша есеп"));
    assert!(document.contains("Серікова Гүлнар Бекқызы"));
    assert!(document.contains("Есепті кезеңде 40 өтініш келіп түсті"));
    assert!(document.contains("<w:tbl>"), "tables are Word tables");

    let (status, kind, one) = director.download(&format!(
        "/reports/download?format=csv&table=results&{query}"
    ));
    assert_eq!((status, kind.as_str()), (200, "text/csv; charset=utf-8"));
    assert_eq!(one, csvs["03-results.csv"]);
    let ru =
        director.download("/reports/download?format=pdf&from=2026-01-01&to=2026-12-31&lang=ru");
    assert!(pdf_text(&ru.2).contains("Отчёт по обращениям"));
}

#[test]
fn the_registry_exports_its_filtered_rows() {
    let app = Seeded::new(20);
    let mut clerk = app.signed_in("clerk");
    let registry = clerk.get("/registry?status=closed");
    assert!(
        registry
            .body
            .contains("/registry/export?format=xlsx&amp;status=closed"),
        "the export keeps the filters"
    );
    let (status, kind, all) = clerk.download("/registry/export?format=csv");
    assert_eq!((status, kind.as_str()), (200, "text/csv; charset=utf-8"));
    let rows = csv_rows(std::str::from_utf8(&all).unwrap());
    assert_eq!(rows.len(), 21, "a header and one row per appeal");
    assert_eq!(rows[0].len(), 13);
    assert_eq!(rows[0][0], "Тіркеу нөмірі");
    let closed = clerk
        .download("/registry/export?format=csv&status=closed")
        .2;
    let closed = csv_rows(std::str::from_utf8(&closed).unwrap());
    assert!(closed.len() > 1 && closed.len() < rows.len());
    assert!(
        closed[1..]
            .iter()
            .all(|r| r[8] == "Қаралды" || !r[9].is_empty()),
        "{closed:?}"
    );
    let (status, _, xlsx) = clerk.download("/registry/export?format=xlsx&status=closed");
    assert_eq!(status, 200);
    let book = unzip(&xlsx);
    let sheet = std::str::from_utf8(&book["xl/worksheets/sheet1.xml"]).unwrap();
    assert_eq!(sheet.matches("<row ").count(), closed.len());
    let mut applicant = Browser::new(&clerk.url(""), &app.cert_pem);
    assert_eq!(
        applicant.get("/registry/export?format=csv").status,
        303,
        "sign in first"
    );
}

fn run(args: &[&str], dir: &Path, out: &Path) -> std::process::Output {
    Command::new(BIN)
        .arg("report")
        .args(args)
        .arg("--data-dir")
        .arg(dir)
        .arg("-o")
        .arg(out)
        .output()
        .unwrap()
}

#[test]
fn the_report_command_writes_every_format() {
    let data = tempfile::tempdir().unwrap();
    let store = Store::open(&data.path().join("otinish.redb")).unwrap();
    let now: jiff::Timestamp = "2026-03-02T05:00:00Z".parse().unwrap();
    let ctx = Ctx::new(
        store,
        Clock::fixed(now),
        Rules::from_config(&Config::default()),
    );
    seed::seed(&ctx, 15, now).unwrap();
    drop(ctx);
    let copy = data.path();
    let out = tempfile::tempdir().unwrap();
    for (format, lang, check) in [
        ("pdf", "kk", "Өтініштер бойынша есеп"),
        ("docx", "ru", "Отчёт по обращениям"),
        ("xlsx", "en", "Table 1. Appeals received"),
        ("csv", "kk", "Түскен өтініштер"),
        ("html", "en", "Report on appeals"),
    ] {
        let file = out.path().join(format!("report.{format}"));
        let result = run(
            &[
                "--from",
                "2026-01-01",
                "--to",
                "2026-12-31",
                "--lang",
                lang,
                "--format",
                format,
            ],
            copy,
            &file,
        );
        assert!(
            result.status.success(),
            "{}",
            String::from_utf8_lossy(&result.stderr)
        );
        let stdout = String::from_utf8_lossy(&result.stdout);
        assert!(stdout.contains("15 appeals received"), "{stdout}");
        let bytes = std::fs::read(&file).unwrap();
        let text = match format {
            "pdf" => pdf_text(&bytes),
            "docx" => String::from_utf8(unzip(&bytes)["word/document.xml"].clone()).unwrap(),
            "xlsx" => String::from_utf8(unzip(&bytes)["xl/sharedStrings.xml"].clone()).unwrap(),
            "csv" => String::from_utf8(unzip(&bytes)["01-intake.csv"].clone()).unwrap(),
            _ => String::from_utf8(bytes).unwrap(),
        };
        assert!(text.contains(check), "{format}: {check}");
    }
    let bad = run(&["--from", "2026-13-01"], copy, &out.path().join("x.pdf"));
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--from"));
}
