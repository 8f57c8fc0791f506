<?php
// php cli_harness.php SITE_DIR URL COMMAND [ARGS...] [--key=value...]
// Loads the test site with WP_CLI defined and a minimal stand-in for WP-CLI (WP-CLI itself is not packaged for
// Debian), so the shim registers its command as under `wp`; then runs `wp wecoza-sidecar COMMAND` and prints
// {"registered": ..., "lines": [[kind, text]...], "items": [...], "exit": code} as JSON.
[, $site, $url, $command] = $argv;
$rest = array_slice($argv, 4);

define('WP_CLI', true);
ob_start();  // PHP 8.2 deprecation notices of WordPress 6.1 go to stderr, not into the JSON

final class WeCoza_Cli_Exit extends Exception {}

class WP_CLI {
    public static $commands = [];
    public static $lines = [];
    public static function add_command($name, $callable) { self::$commands[$name] = $callable; }
    public static function log($text) { self::$lines[] = ['log', $text]; }
    public static function success($text) { self::$lines[] = ['success', $text]; }
    public static function warning($text) { self::$lines[] = ['warning', $text]; }
    public static function error($text) { self::$lines[] = ['error', $text]; throw new WeCoza_Cli_Exit('', 1); }
}

require dirname(__DIR__, 3) . '/devstack/php/bootstrap.php';
require __DIR__ . '/format_items.php';
wecoza_cli_load($site, $url);

$args = [];
$assoc = [];
foreach ($rest as $arg) {
    if (preg_match('/^--([^=]+)=(.*)$/', $arg, $m)) {
        $assoc[$m[1]] = $m[2];
    } else {
        $args[] = $arg;
    }
}
$exit = 0;
$registered = WP_CLI::$commands['wecoza-sidecar'] ?? null;
try {
    $instance = new $registered();
    $instance->$command($args, $assoc);
} catch (WeCoza_Cli_Exit $e) {
    $exit = $e->getCode();
}
fwrite(STDERR, (string) ob_get_clean());
echo json_encode(['registered' => $registered, 'lines' => WP_CLI::$lines, 'items' => $GLOBALS['wecoza_cli_items'] ?? null, 'exit' => $exit]);
