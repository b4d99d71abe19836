//! `bianmin admin …`: what an operator does from the shell. Creating the first
//! city admin is the way into the back office; the password is read from
//! standard input (a hidden prompt on a terminal), never from the arguments.
//! Backups and restores of the SQLite database: see `crate::backup`.

use crate::accounts::{Accounts, Caller};
use crate::backup;
use crate::config::Config;
use crate::startup::{load_secrets, open_database};
use crate::storage::Db;
use app::error::AppError;
use app::staff::NewStaffUser;
use std::io::{BufRead, IsTerminal};
use std::sync::Arc;

pub const USAGE: &str =
    "bianmin admin create-user --username NAME --role ROLE [--center CODE] [--name 姓名]
  ROLE: city_admin | center_admin | window | helper (all but city_admin need --center)
  The password is read from standard input.
bianmin admin backup PATH
  A consistent copy of the SQLite database, taken while the portal runs, and its
  data key file beside it (PATH with extension .key): keep the two together.
bianmin admin restore PATH
  Puts a backup back; refuses while a server runs on the database, and when the
  backup does not open with the data key in use. PostgreSQL: pg_dump/pg_restore.
bianmin admin open311-key create NAME
  An Open311 API key for the integrating system NAME (e.g. 12345热线), printed
  once: only its hash is kept.
bianmin admin open311-key list
bianmin admin open311-key revoke ID";

pub async fn admin(config: Config, args: &[String]) -> anyhow::Result<()> {
    match args.first().map(String::as_str) {
        Some("create-user") => create_user(config, &args[1..]).await,
        Some("backup") => run_backup(config, &args[1..]).await,
        Some("restore") => run_restore(config, &args[1..]).await,
        Some("open311-key") => open311_key(config, &args[1..]).await,
        _ => anyhow::bail!("usage:\n{USAGE}"),
    }
}

/// The one PATH argument of backup and restore.
fn path_arg(args: &[String]) -> anyhow::Result<std::path::PathBuf> {
    match args {
        [path] if !path.starts_with('-') => Ok(path.into()),
        _ => anyhow::bail!("usage:\n{USAGE}"),
    }
}

async fn run_backup(config: Config, args: &[String]) -> anyhow::Result<()> {
    let dest = path_arg(args)?;
    let source = backup::sqlite_file(&config.database_url, backup::PG_BACKUP_HINT)?;
    if !source.is_file() {
        anyhow::bail!("no database at {}", source.display());
    }
    // Shared, as a server holds it: a backup runs beside servers, not beside a restore.
    let _lock = backup::hold_server_lock(&config.database_url)?;
    let db = Db::connect(&config.database_url).await?;
    let report = backup::backup(&db, &dest).await;
    db.pool().close().await;
    let report = report?;
    println!(
        "backed up {} to {} ({} bytes) in {:.1} s",
        source.display(),
        report.path.display(),
        report.bytes,
        report.elapsed.as_secs_f64()
    );
    match (&report.key, config.identity.data_key.is_some()) {
        (_, true) => println!(
            "!! The data key is BIANMIN_DATA_KEY, not a file: keep a copy of it with this backup.\n!! Without it the phones and names in the backup can never be read."
        ),
        (Some(key), false) => println!(
            "!! Data key copied to {} (mode 0600): keep it with the backup, apart from\n!! other copies of it. Without it the phones and names in the backup can never be read.",
            key.display()
        ),
        (None, false) => println!(
            "!! No data key file beside the database ({}): keep whatever key the server uses with this backup.",
            backup::key_path(&source).display()
        ),
    }
    Ok(())
}

async fn run_restore(config: Config, args: &[String]) -> anyhow::Result<()> {
    let path = path_arg(args)?;
    let report = backup::restore(&config, &path).await?;
    println!(
        "restored {} to {} ({} bytes) in {:.1} s",
        path.display(),
        report.database.display(),
        report.bytes,
        report.elapsed.as_secs_f64()
    );
    if let Some(key) = &report.key_installed {
        println!("installed the backup's data key as {}", key.display());
    }
    if !report.key_verified {
        println!(
            "(the backup holds no encrypted data, so the data key could not be checked against it)"
        );
    }
    Ok(())
}

fn flag(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

fn read_password() -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("密码: ")?;
        let again = rpassword::prompt_password("再次输入密码: ")?;
        anyhow::ensure!(first == again, "两次输入的密码不一致");
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        Ok(line.trim_end_matches(['\r', '\n']).to_string())
    }
}

async fn create_user(config: Config, args: &[String]) -> anyhow::Result<()> {
    if args.iter().any(|a| a == "--password") {
        anyhow::bail!("passwords are never taken from the command line; pipe it to standard input");
    }
    let username = flag(args, "--username")
        .ok_or_else(|| anyhow::anyhow!("--username is required\n{USAGE}"))?;
    let role =
        flag(args, "--role").ok_or_else(|| anyhow::anyhow!("--role is required\n{USAGE}"))?;
    let center = flag(args, "--center").unwrap_or_default();
    let display_name = flag(args, "--name").unwrap_or_else(|| "系统管理员".to_string());
    let password = read_password()?;
    let db = open_database(&config).await?;
    let secrets = Arc::new(load_secrets(&config)?);
    let accounts = Accounts::new(db, secrets, config.identity.clone());
    let new = NewStaffUser {
        username: username.clone(),
        display_name,
        role,
        center,
        password,
    };
    match accounts.create_staff(&Caller::cli(), &new).await {
        Ok(id) => {
            println!(
                "created staff user {} (id {id})",
                username.trim().to_lowercase()
            );
            Ok(())
        }
        Err(AppError::Validation { field, message }) => anyhow::bail!("{field}: {message}"),
        Err(e) => anyhow::bail!("{e}"),
    }
}

async fn open311_key(config: Config, args: &[String]) -> anyhow::Result<()> {
    use crate::open311::keys;
    let fail = |e: AppError| match e {
        AppError::Validation { field, message } => anyhow::anyhow!("{field}: {message}"),
        e => anyhow::anyhow!("{e}"),
    };
    let when = |ms: Option<i64>| ms.map_or("-".to_string(), crate::time::shanghai_datetime);
    match args {
        [cmd, name] if cmd == "create" && !name.starts_with('-') => {
            let db = open_database(&config).await?;
            let (id, key) = keys::create(&db, &Caller::cli(), name)
                .await
                .map_err(fail)?;
            println!("created Open311 key {id} for {}:\n\n{key}\n", name.trim());
            println!(
                "It is shown this once; only its hash is kept. Give it to {} over a",
                name.trim()
            );
            println!("private channel; revoke it with `bianmin admin open311-key revoke {id}`.");
            Ok(())
        }
        [cmd] if cmd == "list" => {
            let db = open_database(&config).await?;
            let list = keys::list(&db).await.map_err(fail)?;
            if list.is_empty() {
                println!("no Open311 keys");
            }
            for k in list {
                println!(
                    "{}\t{}\tcreated {} by {}\tlast used {}\t{}",
                    k.id,
                    k.name,
                    crate::time::shanghai_datetime(k.created_at),
                    k.created_by,
                    when(k.last_used_at),
                    match k.revoked_at {
                        Some(t) => format!("revoked {}", crate::time::shanghai_datetime(t)),
                        None => "active".to_string(),
                    }
                );
            }
            Ok(())
        }
        [cmd, id] if cmd == "revoke" => {
            let id: i64 = id.parse().map_err(|_| anyhow::anyhow!("usage:\n{USAGE}"))?;
            let db = open_database(&config).await?;
            match keys::revoke(&db, &Caller::cli(), id).await {
                Ok(name) => {
                    println!("revoked Open311 key {id} ({name})");
                    Ok(())
                }
                Err(AppError::NotFound) => anyhow::bail!("no active Open311 key {id}"),
                Err(e) => Err(fail(e)),
            }
        }
        _ => anyhow::bail!("usage:\n{USAGE}"),
    }
}
