//! A TCP load balancer in front of a cluster's nodes, as a Kubernetes Service is: each new
//! connection goes to the next backend in rotation (a backend that refuses is skipped), and the
//! test decides which backends are in rotation — it takes a node out when its readiness fails
//! (a drain) and puts the restarted one in. Clients that lose their connection reconnect to the
//! balancer and land on another node. Loopback only.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::net::{TcpListener, TcpStream};

/// A running balancer; stops accepting when dropped (open connections run on until either
/// side closes).
pub struct Balancer {
    addr: SocketAddr,
    backends: Arc<Mutex<Vec<SocketAddr>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Balancer {
    /// Listens on a free loopback port and forwards to `backends`.
    pub async fn start(backends: Vec<SocketAddr>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port for the balancer");
        let addr = listener.local_addr().expect("the balancer's address");
        let backends = Arc::new(Mutex::new(backends));
        let next = Arc::new(AtomicUsize::new(0));
        let task = tokio::spawn({
            let backends = backends.clone();
            async move {
                while let Ok((client, _)) = listener.accept().await {
                    let _ = client.set_nodelay(true);
                    let (backends, next) = (backends.clone(), next.clone());
                    tokio::spawn(async move {
                        if let Some(mut server) = pick(&backends, &next).await {
                            let mut client = client;
                            let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                        }
                    });
                }
            }
        });
        Self {
            addr,
            backends,
            task,
        }
    }

    /// Where clients connect.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Replaces the backends in rotation (new connections only).
    pub fn set_backends(&self, backends: Vec<SocketAddr>) {
        *self.backends.lock().unwrap_or_else(|e| e.into_inner()) = backends;
    }
}

impl Drop for Balancer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The next backend in rotation that accepts a connection.
async fn pick(backends: &Mutex<Vec<SocketAddr>>, next: &AtomicUsize) -> Option<TcpStream> {
    let candidates = backends.lock().unwrap_or_else(|e| e.into_inner()).clone();
    for _ in 0..candidates.len() {
        let i = next.fetch_add(1, Ordering::Relaxed) % candidates.len();
        if let Ok(stream) = TcpStream::connect(candidates[i]).await {
            let _ = stream.set_nodelay(true);
            return Some(stream);
        }
    }
    None
}
