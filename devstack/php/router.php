<?php
// Router for `php -S HOST:PORT -t SITE router.php`: files that exist are served as they are (and .php files run) by
// the built-in server itself; every other path goes to WordPress's index.php, as a rewrite rule would send it.
$path = rawurldecode(parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH) ?? '/');
$target = rtrim($_SERVER['DOCUMENT_ROOT'], '/') . $path;
if (is_file($target) || is_file(rtrim($target, '/') . '/index.php')) {
    return false;
}
$index = rtrim($_SERVER['DOCUMENT_ROOT'], '/') . '/index.php';
$_SERVER['SCRIPT_NAME'] = $_SERVER['PHP_SELF'] = '/index.php';
$_SERVER['SCRIPT_FILENAME'] = $index;
chdir(dirname($index));
require $index;
