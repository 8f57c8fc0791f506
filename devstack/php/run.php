<?php
// php run.php SITE_DIR URL SCRIPT|- [ARGS...]
// Loads WordPress as if serving URL, then runs SCRIPT (a PHP file) or, with "-", the PHP code read from stdin.
// The code sees its arguments as $args. Whatever it prints is the result; errors go to stderr with exit status 1.
[, $site, $url, $script] = $argv;
$args = array_slice($argv, 4);
require __DIR__ . '/bootstrap.php';
wecoza_cli_load($site, $url);
ini_set('display_errors', 'stderr');  // WordPress's own load noise stays in debug.log; the snippet's errors are shown

try {
    if ($script === '-') {
        $code = preg_replace('/^\s*<\?php/', '', stream_get_contents(STDIN));
        eval($code);
    } else {
        require $script;
    }
} catch (Throwable $e) {
    fwrite(STDERR, get_class($e) . ': ' . $e->getMessage() . ' at ' . $e->getFile() . ':' . $e->getLine() . "\n");
    exit(1);
}
