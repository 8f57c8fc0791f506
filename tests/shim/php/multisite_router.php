<?php
// Router for a subdirectory multisite under `php -S`: /SITE/wp-admin/..., /SITE/wp-includes/... and /SITE/x.php run
// WordPress's own files, as the network's rewrite rules do; every other path as devstack/php/router.php.
$root = rtrim($_SERVER['DOCUMENT_ROOT'], '/');
$path = rawurldecode(parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH) ?? '/');
if (!is_file($root . $path)
    && preg_match('#^/[_0-9a-zA-Z-]+(/(?:wp-(?:content|admin|includes)(?:/.*)?|[^/]+\.php))$#', $path, $match)) {
    $file = $root . $match[1];
    if (is_dir($file)) {
        $file = rtrim($file, '/') . '/index.php';
    }
    if (is_file($file) && substr($file, -4) === '.php') {
        $_SERVER['SCRIPT_NAME'] = $_SERVER['PHP_SELF'] = substr($file, strlen($root));
        $_SERVER['SCRIPT_FILENAME'] = $file;
        chdir(dirname($file));
        require $file;
        return true;
    }
}
return require dirname(__DIR__, 3) . '/devstack/php/router.php';
