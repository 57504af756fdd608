//! Process plumbing shared by the commands: logging, configuration, starting the server and the
//! worker, and shutting both down on Ctrl-C.

use crate::cli::{
    CreateOrgArgs, CreateUserArgs, MeliArgs, RetentionArgs, RoleArg, ServeArgs, WorkerArgs,
    ensure_public_url,
};
use anyhow::{Context, bail};
use app::{AppConfig, AppState, Worker};
use std::path::Path;
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

/// What is logged when `RUST_LOG` is unset.
pub const DEFAULT_LOG_FILTER: &str = "info,sqlx=warn,tower_http=warn";

pub fn init_tracing(json: bool, default_filter: &str) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_filter));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

pub fn default_sqlite_url(data_dir: &Path) -> anyhow::Result<String> {
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("creating data directory {}", data_dir.display()))?;
    Ok(format!(
        "sqlite://{}",
        data_dir.join("mostrador.db").display()
    ))
}

/// Hides a password in a database URL before it is printed.
pub fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_string(),
    }
}

/// The key sealing tokens: from configuration, else generated once into the data directory.
pub fn secret_key(
    given: Option<&str>,
    data_dir: &Path,
    database_url: &str,
) -> anyhow::Result<[u8; 32]> {
    if given.is_none() && database_url.starts_with("postgres") {
        bail!(
            "MOSTRADOR_SECRET_KEY (or --secret-key) is required with PostgreSQL: every process sharing the database must seal tokens with the same key"
        );
    }
    if let Some(hex) = given {
        return app::crypto::parse_key(hex)
            .map_err(|e| anyhow::anyhow!("MOSTRADOR_SECRET_KEY: {e}"));
    }
    let path = data_dir.join("secret.key");
    if path.exists() {
        let hex = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        return app::crypto::parse_key(&hex)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()));
    }
    std::fs::create_dir_all(data_dir)?;
    let hex = app::crypto::generate_key_hex();
    write_private(&path, &hex)?;
    tracing::warn!(path = %path.display(), "generated a new secret key for tokens at rest; back it up");
    app::crypto::parse_key(&hex).map_err(|e| anyhow::anyhow!(e))
}

fn write_private(path: &Path, contents: &str) -> anyhow::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    f.write_all(contents.as_bytes())?;
    Ok(())
}

pub fn meli_client(
    args: &MeliArgs,
    redirect_uri: String,
    auth_hosts: meli::AuthHosts,
) -> anyhow::Result<meli::MeliClient> {
    let api_base = url::Url::parse(&args.meli_api_base)
        .with_context(|| format!("MELI_API_BASE {:?} is not a URL", args.meli_api_base))?;
    if args.meli_client_secret.trim().is_empty() {
        bail!("MELI_CLIENT_SECRET is empty");
    }
    Ok(meli::MeliClient::new(meli::MeliConfig {
        api_base,
        auth_hosts,
        client_id: args.meli_client_id.to_string(),
        client_secret: args.meli_client_secret.clone().into(),
        redirect_uri,
        timeout: std::time::Duration::from_secs(20),
    })?)
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

/// A running server (and optional in-process worker) that stops together.
pub struct Running {
    pub url: String,
    stop: tokio::sync::watch::Sender<bool>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Running {
    pub async fn start(
        listener: TcpListener,
        state: AppState,
        // Runs a worker and schedules a reconciliation sweep at this interval.
        worker: Option<std::time::Duration>,
    ) -> anyhow::Result<Running> {
        let addr = listener.local_addr()?;
        let (stop, watch) = tokio::sync::watch::channel(false);
        let stopped = |mut w: tokio::sync::watch::Receiver<bool>| async move {
            let _ = w.wait_for(|s| *s).await;
        };
        let mut tasks = Vec::new();
        let server_state = state.clone();
        let server_stop = stopped(watch.clone());
        tasks.push(tokio::spawn(async move {
            if let Err(e) = app::serve(listener, server_state, server_stop).await {
                tracing::error!(error = %e, "server stopped with an error");
            }
        }));
        if let Some(every) = worker {
            tasks.push(tokio::spawn(app::reconcile::run_scheduler(
                state.clone(),
                every,
                stopped(watch.clone()),
            )));
            tasks.push(tokio::spawn(Worker::new(state).run(stopped(watch))));
        }
        Ok(Running {
            url: format!("http://{addr}"),
            stop,
            tasks,
        })
    }

    pub async fn stop(self) {
        let _ = self.stop.send(true);
        for t in self.tasks {
            let _ = t.await;
        }
    }
}

/// The shared start of `serve` and `worker`: configuration checked, key loaded, database opened.
pub async fn production_state(
    retention: RetentionArgs,
    meli_args: &MeliArgs,
    public_url: &str,
    db_url: &str,
    data_dir: &Path,
) -> anyhow::Result<AppState> {
    ensure_public_url(public_url)?;
    let key = secret_key(meli_args.secret_key.as_deref(), data_dir, db_url)?;
    let mut config = AppConfig::new(meli_args.meli_client_id, public_url, key);
    config.keep_jobs_days = retention.keep_jobs_days;
    config.keep_notifications_days = retention.keep_notifications_days;
    let meli = meli_client(
        meli_args,
        config.oauth_redirect_uri(),
        meli::AuthHosts::MercadoLibre,
    )?;
    let store = app::open_store(db_url)
        .await
        .with_context(|| format!("opening database {}", redact(db_url)))?;
    Ok(AppState::new(store, meli, config))
}

pub async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let url = match &args.database_url {
        Some(u) => u.clone(),
        None => default_sqlite_url(&args.common.data_dir)?,
    };
    let mut state = production_state(
        args.retention,
        &args.meli,
        &args.public_url,
        &url,
        &args.common.data_dir,
    )
    .await?;
    let mut with_token = (*state.config).clone();
    with_token.metrics_token = args.metrics_token.filter(|t| !t.trim().is_empty());
    state.config = std::sync::Arc::new(with_token);
    let config = state.config.clone();
    let listener = TcpListener::bind(args.common.bind)
        .await
        .with_context(|| format!("binding {}", args.common.bind))?;
    let worker =
        (!args.no_worker).then(|| std::time::Duration::from_secs(args.reconcile_every.max(10)));
    let running = Running::start(listener, state, worker).await?;
    println!(
        "Mostrador serving at {} (public URL {})",
        running.url, config.public_url
    );
    println!(
        "Register in Mercado Libre's DevCenter: redirect URI {}  notifications URL {}/webhooks/meli",
        config.oauth_redirect_uri(),
        config.public_url
    );
    shutdown_signal().await;
    running.stop().await;
    Ok(())
}

pub async fn worker(args: WorkerArgs) -> anyhow::Result<()> {
    let url = args.db.url()?;
    let state = production_state(
        args.retention,
        &args.meli,
        &args.public_url,
        &url,
        &args.db.data_dir,
    )
    .await?;
    println!("Mostrador worker running on {}", redact(&url));
    let (stop, watch) = tokio::sync::watch::channel(false);
    let sweeps = tokio::spawn(app::reconcile::run_scheduler(
        state.clone(),
        std::time::Duration::from_secs(args.reconcile_every.max(10)),
        async move {
            let mut watch = watch;
            let _ = watch.wait_for(|s| *s).await;
        },
    ));
    Worker::new(state).run(shutdown_signal()).await;
    let _ = stop.send(true);
    let _ = sweeps.await;
    Ok(())
}

pub async fn create_org(args: CreateOrgArgs) -> anyhow::Result<()> {
    let url = args.db.url()?;
    let store = app::open_store(&url)
        .await
        .with_context(|| format!("opening database {}", redact(&url)))?;
    let org = store.create_org(&args.name).await.map_err(|e| match e {
        store::StoreError::Conflict(code) if code == "org_name_taken" => {
            anyhow::anyhow!(
                "an organization named {:?} already exists",
                args.name.trim()
            )
        }
        store::StoreError::Conflict(_) => anyhow::anyhow!("the organization needs a name"),
        other => anyhow::Error::new(other),
    })?;
    println!("created organization {} ({})", org.name, org.id);
    Ok(())
}

/// An organization given by id or by name.
async fn find_org(store: &dyn store::Store, given: &str) -> anyhow::Result<domain::Organization> {
    let by_id = match given.parse::<domain::OrgId>() {
        Ok(id) => store.org(id).await?,
        Err(_) => None,
    };
    match by_id {
        Some(org) => Ok(org),
        None => store.org_by_name(given).await?.ok_or_else(|| {
            anyhow::anyhow!(
                "no organization {given:?}: create it first with `mostrador admin create-org --name`"
            )
        }),
    }
}

pub async fn create_user(args: CreateUserArgs) -> anyhow::Result<()> {
    let url = args.db.url()?;
    let store = app::open_store(&url)
        .await
        .with_context(|| format!("opening database {}", redact(&url)))?;
    let org = find_org(store.as_ref(), &args.org).await?;
    let role = match args.role {
        RoleArg::Admin => domain::Role::Admin,
        RoleArg::Agent => domain::Role::Agent,
    };
    let person = app::auth::create_person_in(
        store.as_ref(),
        org.id,
        &args.email,
        &args.name,
        &args.password,
        role,
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!(
        "created {} {} ({}) in {}",
        person.role.as_str(),
        person.email,
        person.id,
        org.name
    );
    Ok(())
}
