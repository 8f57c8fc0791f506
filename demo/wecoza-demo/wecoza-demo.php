<?php
/**
 * Plugin Name:       WeCoza demo
 * Description:       Demo admin pages for the WeCoza sidecar: browse learners and class calendars, and create, update and delete learners and classes with the requests and nonces of the WeCoza pages, showing the sidecar's answers and the hooks they fired. For the demo stack only (scripts/demo.sh).
 * Version:           0.2.0
 * Requires at least: 6.0
 * Requires PHP:      8.0
 * Author:            WeCoza
 * License:           Proprietary
 * Text Domain:       wecoza-demo
 *
 * @package WeCoza_Demo
 */

defined( 'ABSPATH' ) || exit;

foreach ( array( 'page', 'hook-log', 'records', 'form-result', 'write-pages' ) as $wecoza_demo_part ) {
	require_once __DIR__ . '/includes/class-wecoza-demo-' . $wecoza_demo_part . '.php';
}

( new WeCoza_Demo_Page() )->register();
( new WeCoza_Demo_Hook_Log() )->register();
( new WeCoza_Demo_Records() )->register();
( new WeCoza_Demo_Form_Result() )->register();
( new WeCoza_Demo_Write_Pages() )->register();
