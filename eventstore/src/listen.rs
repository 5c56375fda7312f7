//! LISTEN/NOTIFY wake-ups for feed readers. One connection listens; any number of readers
//! watch a counter that moves on every notification. Readers also poll, so a lost
//! notification (or a lost connection) only delays them.

use futures::StreamExt;
use std::time::Duration;
use tokio::sync::watch;
use tokio_postgres::{AsyncMessage, NoTls};

/// Starts a task that LISTENs on `channel` and bumps the returned counter on every
/// notification, reconnecting after errors. The task ends when every receiver is dropped.
pub fn spawn_listener(database_url: String, channel: &'static str) -> watch::Receiver<u64> {
    let (tx, rx) = watch::channel(0u64);
    tokio::spawn(async move {
        let mut backoff = Duration::from_millis(100);
        while !tx.is_closed() {
            match listen_once(&database_url, channel, &tx).await {
                Ok(()) => backoff = Duration::from_millis(100),
                Err(e) => {
                    tracing::warn!(error = %e, channel, "LISTEN connection failed; retrying");
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(Duration::from_secs(5));
                }
            }
        }
    });
    rx
}

async fn listen_once(
    database_url: &str,
    channel: &str,
    tx: &watch::Sender<u64>,
) -> Result<(), tokio_postgres::Error> {
    let (client, mut connection) = tokio_postgres::connect(database_url, NoTls).await?;
    let mut messages = futures::stream::poll_fn(move |cx| connection.poll_message(cx));
    let sql = format!("LISTEN {channel}");
    let listen = client.batch_execute(&sql);
    tokio::pin!(listen);
    // Drive the connection while LISTEN is in flight.
    loop {
        tokio::select! {
            done = &mut listen => { done?; break; }
            msg = messages.next() => match msg {
                Some(Ok(_)) => {}
                Some(Err(e)) => return Err(e),
                None => return Ok(()),
            },
        }
    }
    // A notification may have been missed while connecting: wake everyone once.
    tx.send_modify(|n| *n += 1);
    loop {
        tokio::select! {
            msg = messages.next() => match msg {
                Some(Ok(AsyncMessage::Notification(_))) => tx.send_modify(|n| *n += 1),
                Some(Ok(_)) => {}
                Some(Err(e)) => return Err(e),
                None => return Ok(()),
            },
            _ = tx.closed() => return Ok(()),
        }
    }
}

/// Waits until `rx` moves or `poll` elapses, whichever comes first.
pub async fn wait_for_wakeup(rx: &mut watch::Receiver<u64>, poll: Duration) {
    if let Ok(Err(_)) = tokio::time::timeout(poll, rx.changed()).await {
        // The listener is gone: fall back to plain polling.
        tokio::time::sleep(poll).await;
    }
}
