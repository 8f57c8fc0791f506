<?php
// Stand-in for WP-CLI's WP_CLI\Utils\format_items(): records what the command would print.
namespace WP_CLI\Utils;

function format_items($format, $items, $fields) {
    $GLOBALS['wecoza_cli_items'] = ['format' => $format, 'fields' => $fields, 'items' => array_values($items)];
}
