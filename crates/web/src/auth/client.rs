//! Where a request comes from, for counting failed sign-ins per client.

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use ipnet::IpNet;

use crate::state::AppState;

/// The client's address as counted: the IP address, or for IPv6 its /64 network, which one
/// subscriber usually holds whole. Requests that did not come through a socket (tests driving
/// the router in process) are all "unknown".
///
/// Behind a reverse proxy every connection comes from the proxy. `X-Forwarded-For` is read only
/// when the connection comes from a proxy the server was told to trust ([`TrustedProxy`]), since
/// any client can write that header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientAddress(pub String);

impl ClientAddress {
    pub fn of(ip: IpAddr) -> Self {
        Self(match ip {
            IpAddr::V4(v4) => v4.to_string(),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => v4.to_string(),
                None => {
                    let s = v6.segments();
                    format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
                }
            },
        })
    }
}

/// A reverse proxy (an address or a network, `10.0.0.5` or `10.0.0.0/24`) whose
/// `X-Forwarded-For` names the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrustedProxy(IpNet);

impl TrustedProxy {
    fn contains(proxies: &[Self], ip: IpAddr) -> bool {
        let ip = canonical(ip);
        proxies.iter().any(|p| p.0.contains(&ip))
    }
}

impl FromStr for TrustedProxy {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let text = text.trim();
        text.parse::<IpAddr>()
            .map(|ip| IpNet::from(canonical(ip)))
            .or_else(|_| text.parse::<IpNet>())
            .map(|net| Self(net.trunc()))
            .map_err(|_| format!("« {text} » n'est ni une adresse IP ni un réseau (10.0.0.0/8)"))
    }
}

/// The client behind `peer`: `peer` itself, unless it is a trusted proxy; then the last address
/// of `X-Forwarded-For` (read from the right, where the trusted proxies appended) that is not a
/// trusted proxy. A value that is not an address stops the walk: what lies left of it was
/// written by the client.
fn client_ip<'a>(
    peer: IpAddr,
    forwarded_for: impl DoubleEndedIterator<Item = &'a str>,
    trusted: &[TrustedProxy],
) -> IpAddr {
    let mut client = canonical(peer);
    if !TrustedProxy::contains(trusted, client) {
        return client;
    }
    for hop in forwarded_for.rev() {
        let Ok(ip) = hop.trim().parse::<IpAddr>() else {
            break;
        };
        client = canonical(ip);
        if !TrustedProxy::contains(trusted, client) {
            break;
        }
    }
    client
}

/// An IPv4 address written as IPv6 (`::ffff:192.0.2.7`) is the IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        IpAddr::V4(_) => ip,
    }
}

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Infallible> {
        let Some(ConnectInfo(peer)) = parts.extensions.get::<ConnectInfo<SocketAddr>>() else {
            return Ok(Self("unknown".into()));
        };
        let forwarded: Vec<&str> = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .collect();
        let ip = client_ip(peer.ip(), forwarded.into_iter(), &state.trusted_proxies);
        Ok(Self::of(ip))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn proxies(list: &[&str]) -> Vec<TrustedProxy> {
        list.iter().map(|p| p.parse().unwrap()).collect()
    }

    #[test]
    fn ipv6_clients_are_counted_by_network() {
        let a = ip("2001:db8:1:2:aaaa::1");
        let b = ip("2001:db8:1:2:bbbb::9");
        assert_eq!(ClientAddress::of(a), ClientAddress::of(b));
        assert_eq!(ClientAddress::of(a).0, "2001:db8:1:2::/64");
        assert_eq!(ClientAddress::of(ip("::ffff:192.0.2.7")).0, "192.0.2.7");
    }

    #[test]
    fn forwarded_for_is_ignored_from_an_untrusted_peer() {
        let forged = ["203.0.113.9"];
        assert_eq!(
            client_ip(ip("192.0.2.1"), forged.into_iter(), &[]),
            ip("192.0.2.1")
        );
        let trusted = proxies(&["10.0.0.5"]);
        assert_eq!(
            client_ip(ip("192.0.2.1"), forged.into_iter(), &trusted),
            ip("192.0.2.1")
        );
    }

    #[test]
    fn behind_trusted_proxies_the_client_is_the_last_untrusted_hop() {
        let trusted = proxies(&["10.0.0.0/24", "::ffff:10.0.1.1"]);
        // client → 10.0.1.1 → 10.0.0.7 → server; the client wrote a first, false entry.
        let chain = ["198.51.100.1", "203.0.113.9", "10.0.1.1"];
        assert_eq!(
            client_ip(ip("10.0.0.7"), chain.into_iter(), &trusted),
            ip("203.0.113.9")
        );
        // Only proxies in the header: the leftmost is the nearest thing to a client.
        assert_eq!(
            client_ip(ip("10.0.0.7"), ["10.0.0.3"].into_iter(), &trusted),
            ip("10.0.0.3")
        );
        // Garbage stops the walk at the last address read.
        assert_eq!(
            client_ip(
                ip("10.0.0.7"),
                ["203.0.113.9", "inconnu"].into_iter(),
                &trusted
            ),
            ip("10.0.0.7")
        );
        assert_eq!(
            client_ip(
                ip("::ffff:10.0.0.7"),
                [" 203.0.113.9 "].into_iter(),
                &trusted
            ),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn a_proxy_is_an_address_or_a_network() {
        assert!("10.0.0.5".parse::<TrustedProxy>().is_ok());
        assert!("fd00::/8".parse::<TrustedProxy>().is_ok());
        let refused = "proxy.local".parse::<TrustedProxy>().unwrap_err();
        assert!(refused.contains("proxy.local"), "{refused}");
    }
}
