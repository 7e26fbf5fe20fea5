//! Paper: the registration receipt, the answer and the appeal card printed by Chromium to PDF
//! on A4 and read back with poppler's `pdftotext` and `pdfinfo`. What is printed is the
//! document: its facts and text, none of the site's navigation, buttons or forms. The PDFs
//! are kept in `target/print/`.

use std::path::Path;
use std::process::Command;

use otinish::domain::lang::Lang;

use super::driver::{Session, artifacts, program, skip};
use super::{AIGUL, ANSWER, World, t};
use crate::support::PASSWORD;

/// Part of the sample institution's Kazakh name, which heads every printed document.
const INSTITUTION: &str = "Қарасу ауданының балалар шығармашылығы орталығы";

/// A printed page: its text (whitespace collapsed), page count and paper size.
struct Printed {
    text: String,
    pages: usize,
    paper: String,
}

/// Prints the page once the element `ready` (the document's heading) is there, the page has
/// loaded and its fonts are in: a busy machine can otherwise print a page still blank.
fn print(s: &Session, name: &str, ready: &str, pdftotext: &Path, pdfinfo: &Path) -> Printed {
    s.wait_until(
        &format!(
            "document.readyState === 'complete' && document.fonts.status === 'loaded' \
             && document.querySelector({ready:?})"
        ),
        &format!("the {name}'s {ready}"),
    );
    let pdf = artifacts("print").join(format!("{name}.pdf"));
    std::fs::write(&pdf, s.print_pdf()).unwrap();
    let text = Command::new(pdftotext).arg(&pdf).arg("-").output().unwrap();
    assert!(text.status.success(), "pdftotext {}", pdf.display());
    let raw = String::from_utf8_lossy(&text.stdout).into_owned();
    let info = Command::new(pdfinfo).arg(&pdf).output().unwrap();
    let info = String::from_utf8_lossy(&info.stdout).into_owned();
    let field = |name: &str| {
        info.lines()
            .find_map(|l| l.strip_prefix(name))
            .unwrap_or_default()
            .trim()
            .to_owned()
    };
    Printed {
        text: raw.split_whitespace().collect::<Vec<_>>().join(" "),
        pages: field("Pages:").parse().unwrap_or(0),
        paper: field("Page size:"),
    }
}

/// What the screen shows around the document and paper must not.
fn assert_no_chrome(printed: &Printed, what: &str, lang: Lang, also: &[&str]) {
    let mut absent: Vec<String> = ["nav.logout", "nav.cabinet", "nav.skip", "footer.note"]
        .iter()
        .map(|k| t(lang, k))
        .collect();
    absent.extend(["Русский", "English"].map(str::to_owned));
    absent.extend(also.iter().map(|k| t(lang, k)));
    for text in absent {
        assert!(
            !printed.text.contains(&text),
            "the printed {what} shows «{text}»: {}",
            printed.text
        );
    }
    assert!(
        printed.paper.contains("(A4)"),
        "the {what} prints on A4: {}",
        printed.paper
    );
}

#[test]
fn the_receipt_the_answer_and_the_card_print_cleanly_on_a4() {
    let test = "the_receipt_the_answer_and_the_card_print_cleanly_on_a4";
    let (Some(pdftotext), Some(pdfinfo)) = (
        program("PDFTOTEXT", &["pdftotext"]),
        program("PDFINFO", &["pdfinfo"]),
    ) else {
        skip(test, "pdftotext/pdfinfo (poppler-utils) not found");
        return;
    };
    let Some(world) = World::new(test) else {
        return;
    };
    let s = &world.s;
    let kk = |key: &str| t(Lang::Kk, key);

    s.goto(&format!("{}/receipt", world.open));
    let receipt = print(s, "receipt", "article.receipt h1", &pdftotext, &pdfinfo);
    assert_eq!(receipt.pages, 1, "the receipt fits one page");
    for seen in [
        kk("receipt.title").as_str(),
        "ЖТ-2026-00000001",
        "02.03.2026 10:00",
        "27.03.2026",
        AIGUL.name,
        AIGUL.iin,
        "Үйірмеге жазылу",
        INSTITUTION,
    ] {
        assert!(
            receipt.text.contains(seen),
            "receipt lacks «{seen}»: {}",
            receipt.text
        );
    }
    assert_no_chrome(
        &receipt,
        "receipt",
        Lang::Kk,
        &["receipt.open", "receipt.sent"],
    );

    s.goto(&world.answered);
    let answer = print(s, "answer", "section.answer", &pdftotext, &pdfinfo);
    for seen in [
        kk("appeal.answer").as_str(),
        ANSWER,
        &kk("Outcome.satisfied"),
        "ЖТ-2026-00000002",
        "Гүлнар Серікова",
        INSTITUTION,
    ] {
        assert!(
            answer.text.contains(seen),
            "answer lacks «{seen}»: {}",
            answer.text
        );
    }
    assert_no_chrome(
        &answer,
        "answer",
        Lang::Kk,
        &["action.rate", "action.complain", "appeal.receipt"],
    );

    s.sign_out(&kk("nav.logout"));
    s.sign_in("clerk", PASSWORD, &kk("login.submit"));
    s.goto(&world.open);
    let card = print(s, "card", "main dl.facts", &pdftotext, &pdfinfo);
    for seen in [
        "ЖТ-2026-00000001",
        AIGUL.name,
        &kk("appeal.history"),
        &kk("Status.registered"),
        "өтініш.pdf",
        INSTITUTION,
    ] {
        assert!(
            card.text.contains(seen),
            "card lacks «{seen}»: {}",
            card.text
        );
    }
    assert_no_chrome(
        &card,
        "card",
        Lang::Kk,
        &["action.route", "action.return", "nav.registry"],
    );
}
