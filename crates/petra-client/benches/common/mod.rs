//! The columns a catalog import maps, read the same way by the benchmark and the
//! instruction-count example.

use petra_client::feed::ProdListRow;

/// Reads the columns a catalog import maps and folds them into one number.
pub fn consume(row: &ProdListRow) -> u64 {
    let texts = [
        row.vendor_sku(),
        row.description(),
        row.brand_name(),
        row.long_desc(),
        row.image_url(),
        row.notes1(),
    ];
    let text_bytes: usize = texts.iter().map(|text| text.map_or(0, str::len)).sum();
    let prices = [row.price(), row.map(), row.msrp()];
    let priced = prices.iter().filter(|price| price.is_some()).count();
    let upc = row.upc().map_or(0, |upc| upc.as_str().len());

    row.petra_sku().as_str().len() as u64
        + row.available()
        + text_bytes as u64
        + priced as u64
        + upc as u64
        + u64::from(row.refurb())
}
