//! The read model of the citizen portal: catalog, guides, centers, life events
//! and the search index, held in memory and rebuilt when the stored content
//! changes (any instance notices through `content_version`).

use crate::accounts::internal;
use crate::search::{SearchIndex, Synonym};
use crate::seed;
use crate::storage::{CenterItemOverride, Db};
use crate::time::shanghai_date;
use app::catalog::port::CatalogPort;
use app::catalog::*;
use app::error::AppError;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

/// Data that ships with the binary and does not live in the database.
#[derive(Clone)]
pub struct StaticContent {
    pub synonyms: Vec<Synonym>,
    pub events: Vec<LifeEvent>,
    pub high_frequency: Vec<i32>,
}

impl StaticContent {
    /// The shipped synonyms, life events (checked against `items`) and highlights.
    pub fn from_seed(items: &[CatalogItem]) -> anyhow::Result<StaticContent> {
        Ok(StaticContent {
            synonyms: seed::synonyms(),
            events: seed::life_events(items)?,
            high_frequency: seed::high_frequency()?,
        })
    }
}

pub struct ReadModel {
    pub version: i64,
    pub items: Vec<CatalogItem>,
    by_seq: HashMap<i32, usize>,
    guides: HashMap<i32, Guide>,
    pub centers: Vec<Center>,
    events: Vec<LifeEvent>,
    high_frequency: Vec<i32>,
    facets: CatalogFacets,
    pub index: SearchIndex,
    /// center code → seq → how that center departs from the catalog.
    overrides: HashMap<String, HashMap<i32, CenterItemOverride>>,
}

impl ReadModel {
    pub fn build(
        version: i64,
        items: Vec<CatalogItem>,
        guides: Vec<crate::storage::GuideRow>,
        centers: Vec<Center>,
        overrides: Vec<CenterItemOverride>,
        content: &StaticContent,
    ) -> Self {
        let mut by_center: HashMap<String, HashMap<i32, CenterItemOverride>> = HashMap::new();
        for o in overrides {
            by_center
                .entry(o.center_code.clone())
                .or_default()
                .insert(o.seq, o);
        }
        let by_seq = items
            .iter()
            .enumerate()
            .map(|(i, it)| (it.seq, i))
            .collect();
        let guides: HashMap<i32, Guide> = guides
            .into_iter()
            .map(|g| {
                (
                    g.seq,
                    Guide {
                        version: g.version,
                        sample: g.sample,
                        published_on: shanghai_date(g.published_at),
                        content: g.content,
                    },
                )
            })
            .collect();
        // High-frequency items first, then items with a guide, lift search ranking a little.
        let mut priors: HashMap<i32, f32> = guides.keys().map(|s| (*s, 0.3)).collect();
        for s in &content.high_frequency {
            priors.insert(*s, 1.0);
        }
        let mut facets = CatalogFacets::default();
        for it in &items {
            for (list, v) in [
                (&mut facets.departments, &it.department),
                (&mut facets.item_types, &it.item_type),
                (&mut facets.levels, &it.level),
            ] {
                if !v.is_empty() && !list.contains(v) {
                    list.push(v.clone());
                }
            }
        }
        let index = SearchIndex::new(
            &items,
            content.synonyms.clone(),
            content.events.clone(),
            &priors,
        );
        ReadModel {
            version,
            by_seq,
            guides,
            centers,
            events: content.events.clone(),
            high_frequency: content.high_frequency.clone(),
            facets,
            index,
            items,
            overrides: by_center,
        }
    }

    /// The model as a fresh start would have it, straight from the shipped
    /// data without a database: for the search eval and benchmarks.
    pub fn from_seed() -> anyhow::Result<ReadModel> {
        let items = seed::catalog()?;
        let content = StaticContent::from_seed(&items)?;
        let guides = seed::guides()?
            .into_iter()
            .map(|g| crate::storage::GuideRow {
                seq: g.seq,
                version: 1,
                content: g.content,
                sample: true,
                published_at: 0,
            })
            .collect();
        Ok(ReadModel::build(1, items, guides, vec![], vec![], &content))
    }

    /// The items `center` handles itself (the catalog less its 暂不可办 items).
    pub fn items_at(&self, center: &str) -> Vec<&CatalogItem> {
        let overrides = self.overrides.get(center);
        self.items
            .iter()
            .filter(|i| {
                overrides
                    .and_then(|o| o.get(&i.seq))
                    .is_none_or(|o| o.at_center)
            })
            .collect()
    }

    /// How `center` departs from the catalog, by item.
    pub fn center_overrides(&self, center: &str) -> HashMap<i32, CenterItemOverride> {
        self.overrides.get(center).cloned().unwrap_or_default()
    }

    pub fn center(&self, code: &str) -> Option<&Center> {
        self.centers.iter().find(|c| c.code == code)
    }

    pub fn item(&self, seq: i32) -> Option<&CatalogItem> {
        self.by_seq.get(&seq).map(|i| &self.items[*i])
    }

    fn items_of(&self, seqs: &[i32]) -> Vec<CatalogItem> {
        seqs.iter().filter_map(|s| self.item(*s).cloned()).collect()
    }

    pub fn catalog_page(&self, filter: &CatalogFilter) -> CatalogPage {
        let mut groups: Vec<MainGroup> = Vec::new();
        let mut shown = 0;
        for it in self.items.iter().filter(|i| filter.matches(i)) {
            shown += 1;
            let g = match groups.iter_mut().position(|g| g.main_item == it.main_item) {
                Some(p) => &mut groups[p],
                None => {
                    groups.push(MainGroup {
                        main_item: it.main_item.clone(),
                        department: it.department.clone(),
                        subs: vec![],
                    });
                    groups.last_mut().expect("just pushed")
                }
            };
            match g.subs.iter_mut().find(|s| s.sub_item == it.sub_item) {
                Some(s) => s.items.push(it.clone()),
                None => g.subs.push(SubGroup {
                    sub_item: it.sub_item.clone(),
                    items: vec![it.clone()],
                }),
            }
        }
        CatalogPage {
            total: self.items.len() as i32,
            shown,
            groups,
            facets: self.facets.clone(),
        }
    }

    pub fn item_detail(&self, seq: i32) -> Option<ItemDetail> {
        let item = self.item(seq)?.clone();
        let mut related: Vec<CatalogItem> = self
            .items
            .iter()
            .filter(|i| {
                i.seq != seq && i.sub_item == item.sub_item && i.main_item == item.main_item
            })
            .cloned()
            .collect();
        if related.is_empty() {
            related = self
                .items
                .iter()
                .filter(|i| i.seq != seq && i.main_item == item.main_item)
                .cloned()
                .collect();
        }
        related.truncate(12);
        Some(ItemDetail {
            guide: self.guides.get(&seq).cloned(),
            item,
            related,
        })
    }

    /// Items for a query, and the life events it names. No query ends empty:
    /// when no item matches, the closest life events are offered instead.
    pub fn search(&self, query: &str, limit: usize) -> SearchResults {
        let items = self.index.search(query, limit);
        let mut events = self.index.events_for(query);
        if items.is_empty() && events.is_empty() {
            events = self.index.closest_events(query, 3);
        }
        SearchResults {
            query: query.to_string(),
            items,
            events,
        }
    }
}

/// The portal service: implements the UI's port over the read model.
pub struct Portal {
    db: Db,
    content: StaticContent,
    model: RwLock<Arc<ReadModel>>,
}

impl Portal {
    pub async fn load(db: Db, content: StaticContent) -> anyhow::Result<Arc<Portal>> {
        let model = Self::read(&db, &content).await?;
        Ok(Arc::new(Portal {
            db,
            content,
            model: RwLock::new(Arc::new(model)),
        }))
    }

    async fn read(db: &Db, content: &StaticContent) -> anyhow::Result<ReadModel> {
        let version = db.content_version().await?;
        let items = db.items().await?;
        let guides = db.latest_guides().await?;
        let centers = db.centers().await?;
        let overrides = db.center_items().await?;
        Ok(ReadModel::build(
            version, items, guides, centers, overrides, content,
        ))
    }

    pub fn model(&self) -> Arc<ReadModel> {
        self.model.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Rebuilds the read model if the stored content changed. Returns whether it did.
    pub async fn refresh_if_changed(&self) -> anyhow::Result<bool> {
        let current = self.model().version;
        if self.db.content_version().await? == current {
            return Ok(false);
        }
        let model = Arc::new(Self::read(&self.db, &self.content).await?);
        tracing::info!(
            version = model.version,
            "content changed; read model rebuilt"
        );
        *self.model.write().unwrap_or_else(|e| e.into_inner()) = model;
        Ok(true)
    }

    pub fn db(&self) -> &Db {
        &self.db
    }
}

#[async_trait::async_trait]
impl CatalogPort for Portal {
    async fn home(&self) -> Result<HomeData, AppError> {
        let m = self.model();
        Ok(HomeData {
            high_frequency: m.items_of(&m.high_frequency),
            events: m.events.clone(),
            centers: m.centers.clone(),
        })
    }

    async fn catalog(&self, filter: CatalogFilter) -> Result<CatalogPage, AppError> {
        Ok(self.model().catalog_page(&filter))
    }

    async fn item(&self, seq: i32) -> Result<ItemDetail, AppError> {
        self.model().item_detail(seq).ok_or(AppError::NotFound)
    }

    async fn search(&self, query: &str, limit: u32) -> Result<SearchResults, AppError> {
        Ok(self.model().search(query, limit.clamp(1, 50) as usize))
    }

    async fn centers(&self) -> Result<Vec<Center>, AppError> {
        Ok(self.model().centers.clone())
    }

    async fn center(&self, code: &str) -> Result<CenterDetail, AppError> {
        let m = self.model();
        let center = m
            .centers
            .iter()
            .find(|c| c.code == code)
            .cloned()
            .ok_or(AppError::NotFound)?;
        let overrides = m.center_overrides(code);
        let at_center = |i: &CatalogItem| overrides.get(&i.seq).is_none_or(|o| o.at_center);
        let at_stations = |i: &CatalogItem| {
            overrides
                .get(&i.seq)
                .map(|o| o.at_stations)
                .unwrap_or(i.level == "DE")
        };
        let unavailable = m
            .items
            .iter()
            .filter(|i| !at_center(i))
            .map(|i| UnavailableItem {
                item: i.clone(),
                alternative: overrides
                    .get(&i.seq)
                    .and_then(|o| o.alternative.as_ref())
                    .and_then(|a| m.center(a).cloned()),
            })
            .collect();
        // Read at each view, so every instance shows an admin's change at once.
        let mut conn = self.db.pool().acquire().await.map_err(internal)?;
        let stations = crate::help::stations::in_service(&mut conn, code).await?;
        Ok(CenterDetail {
            center,
            item_count: m.items.iter().filter(|i| at_center(i)).count() as i32,
            village_items: m.items.iter().filter(|i| at_stations(i)).cloned().collect(),
            unavailable,
            stations,
        })
    }

    async fn life_event(&self, slug: &str) -> Result<LifeEventDetail, AppError> {
        let m = self.model();
        let event = m
            .events
            .iter()
            .find(|e| e.slug == slug)
            .cloned()
            .ok_or(AppError::NotFound)?;
        Ok(LifeEventDetail {
            items: m.items_of(&event.seqs),
            event,
        })
    }
}
