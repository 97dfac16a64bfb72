"""segmenter"""
