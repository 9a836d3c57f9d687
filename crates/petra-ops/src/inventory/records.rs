//! Adapters that let a compiled plan read Petra's records in place, without copying
//! them into maps of strings.

use fieldmap::{Record, SourceSchema, ValueRef};
use petra_client::feed::ProdListRow;
use petra_client::wire::{Product, Variant};
use rust_decimal::Decimal;

/// A ProdList row read by position. The plan was compiled against a schema built from
/// the same file's header, so positions line up.
pub struct ProdListRecord<'a>(pub &'a ProdListRow);

impl Record for ProdListRecord<'_> {
    fn get(&self, index: usize) -> ValueRef<'_> {
        let row = self.0;
        if index >= row.columns().names().len() {
            return ValueRef::Absent;
        }

        // The reader reads an `N/A` amount as absent and warns once, so the template gets
        // a null here instead of text that its number conversion would reject.
        if row.is_not_available(index) {
            ValueRef::Null
        } else {
            ValueRef::Text(row.field_at(index))
        }
    }
}

/// A field of the flattened API variant, in the words of `fieldmap::schemas::petra_catalog_api`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ApiField {
    Sku,
    VendorSku,
    Title,
    ProductId,
    Name,
    Description,
    Brand,
    Category,
    Categories,
    Currency,
    DealerPrice,
    Msrp,
    Map,
    QuantityAvailable,
    Upc,
    ImageUrl,
    Images,
    Discontinued,
    Refurbished,
    Unknown,
}

impl ApiField {
    fn from_name(name: &str) -> Self {
        match name {
            "sku" => Self::Sku,
            "vendor_sku" => Self::VendorSku,
            "title" => Self::Title,
            "product_id" => Self::ProductId,
            "name" => Self::Name,
            "description" => Self::Description,
            "brand" => Self::Brand,
            "category" => Self::Category,
            "categories" => Self::Categories,
            "currency" => Self::Currency,
            "dealer_price" => Self::DealerPrice,
            "msrp" => Self::Msrp,
            "map" => Self::Map,
            "quantity_available" => Self::QuantityAvailable,
            "upc" => Self::Upc,
            "image_url" => Self::ImageUrl,
            "images" => Self::Images,
            "discontinued" => Self::Discontinued,
            "refurbished" => Self::Refurbished,
            _ => Self::Unknown,
        }
    }
}

/// The attribute that marks a refurbished product or variant in Petra's catalog API.
const REFURBISHED: &str = "refurbished";

/// The position of each API field in a source schema, resolved once per run.
pub struct ApiLayout {
    fields: Vec<ApiField>,
}

impl ApiLayout {
    pub fn new(schema: &SourceSchema) -> Self {
        Self {
            fields: schema
                .fields()
                .iter()
                .map(|field| ApiField::from_name(&field.name))
                .collect(),
        }
    }
}

/// One API variant together with its product, read by source-schema position.
pub struct ApiVariantRecord<'a> {
    pub layout: &'a ApiLayout,
    pub product: &'a Product,
    pub variant: &'a Variant,
}

fn optional_text(text: Option<&str>) -> ValueRef<'_> {
    text.map_or(ValueRef::Null, ValueRef::Text)
}

fn optional_number(number: Option<Decimal>) -> ValueRef<'static> {
    number.map_or(ValueRef::Null, ValueRef::Number)
}

impl Record for ApiVariantRecord<'_> {
    fn get(&self, index: usize) -> ValueRef<'_> {
        let Some(field) = self.layout.fields.get(index) else {
            return ValueRef::Absent;
        };
        let product = self.product;
        let variant = self.variant;

        match field {
            ApiField::Sku => ValueRef::Text(variant.sku.as_str()),
            ApiField::VendorSku => optional_text(variant.vendor_sku.as_deref()),
            ApiField::Title => ValueRef::Text(&variant.title),
            ApiField::ProductId => ValueRef::Text(&product.product_id),
            ApiField::Name => ValueRef::Text(&product.name),
            ApiField::Description => optional_text(product.description.as_deref()),
            ApiField::Brand => optional_text(product.brand.as_deref()),
            ApiField::Category => optional_text(product.categories.first().map(String::as_str)),
            ApiField::Categories => ValueRef::List(&product.categories),
            ApiField::Currency => ValueRef::Text(&variant.pricing.currency),
            ApiField::DealerPrice => ValueRef::Number(variant.pricing.dealer_price),
            ApiField::Msrp => optional_number(variant.pricing.msrp),
            ApiField::Map => optional_number(variant.pricing.map),
            ApiField::QuantityAvailable => {
                ValueRef::Number(Decimal::from(variant.quantity_available))
            }
            ApiField::Upc => optional_text(variant.upc.as_deref()),
            ApiField::ImageUrl => optional_text(variant.images.first().map(String::as_str)),
            ApiField::Images => ValueRef::List(&variant.images),
            ApiField::Discontinued => ValueRef::Boolean(variant.discontinued),
            ApiField::Refurbished => optional_text(
                variant
                    .attributes
                    .get(REFURBISHED)
                    .or_else(|| product.attributes.get(REFURBISHED))
                    .map(String::as_str),
            ),
            ApiField::Unknown => ValueRef::Absent,
        }
    }
}
