<?php
// Shared by the CLI helpers: make WordPress believe it serves a request to the site URL, then load it.
// Usage from a helper: $site = wecoza_cli_load(SITE_DIR, URL);
function wecoza_cli_load(string $site, string $url): void {
    $parts = parse_url($url);
    $host = $parts['host'] . (isset($parts['port']) ? ':' . $parts['port'] : '');
    $_SERVER['HTTP_HOST'] = $host;
    $_SERVER['SERVER_NAME'] = $parts['host'];
    $_SERVER['SERVER_PORT'] = (string) ($parts['port'] ?? 80);
    $_SERVER['REQUEST_URI'] = '/';
    $_SERVER['REQUEST_METHOD'] = 'GET';
    $_SERVER['SERVER_PROTOCOL'] = 'HTTP/1.1';
    $_SERVER['REMOTE_ADDR'] = '127.0.0.1';
    require_once rtrim($site, '/') . '/wp-load.php';
}
